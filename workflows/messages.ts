import { defineSignal } from '@temporalio/workflow';
import type { ExecutionInfo, ExecutionOutcome } from '../engine/core/interpreter';
import type { HistoryEvent } from '../schemas/history';
import type { Plan } from '../schemas/plan';

/** Name of the one generic workflow that interprets every plan. */
export const EXECUTION_WORKFLOW = 'stepflowExecution';

/** Input of the execution workflow: the compiled plan, the execution's input and identity. */
export interface ExecutionWorkflowInput {
  executionId: string;
  plan: Plan;
  input: unknown;
  execution: ExecutionInfo;
}

/** How an execution ended, including a stop (`ABORTED`, StopExecution's optional error and cause). */
export type WorkflowOutcome = ExecutionOutcome | { status: 'ABORTED'; error?: string; cause?: string };

/** StopExecution: the execution ends ABORTED with this error and cause; running functions are cancelled. */
export interface StopRequest {
  error?: string;
  cause?: string;
}

/** Signal that stops an execution (StopExecution). */
export const stopSignal = defineSignal<[StopRequest]>('stop');

/** Input of the `invokeFunction` activity. */
export interface InvokeFunctionInput {
  executionId: string;
  stateName: string;
  functionName: string;
  payload: unknown;
  idempotencyKey: string;
  /** History events to write (idempotently) before the function runs. */
  pendingEvents: HistoryEvent[];
}

/** Input of the `recordEvents` activity. */
export interface RecordEventsInput {
  executionId: string;
  events: HistoryEvent[];
}

/** Input of the `completeExecution` activity: the final events and the outcome, in one transaction. */
export interface CompleteExecutionInput {
  executionId: string;
  events: HistoryEvent[];
  outcome: WorkflowOutcome;
}

export type { ExecutionOutcome };
