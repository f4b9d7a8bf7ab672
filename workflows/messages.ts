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
  outcome: ExecutionOutcome;
}

export type { ExecutionOutcome };
