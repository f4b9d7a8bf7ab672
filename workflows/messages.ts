import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AbortedOutcome,
  AbortRequest,
  Continuation,
  ExecutionInfo,
  ExecutionOutcome,
  Redrive,
} from '../engine/core/interpreter';
import type { Plan } from '../schemas/plan';
import type { BindingSet } from '../schemas/resources/bindings';

/** Name of the one generic workflow that interprets every plan. */
export const EXECUTION_WORKFLOW = 'stepflowExecution';

/**
 * The workflow features an execution started now runs with (ExecutionWorkflowInput.features):
 * 1 = every patch that `consolidated-patches-v1` stands for (workflows/execution.ts) is in
 * effect from the start, without a patch marker. Raise it, never lower it.
 */
export const EXECUTION_FEATURES = 1;

/** Input of the execution workflow: the compiled plan, the execution's input and identity. */
export interface ExecutionWorkflowInput {
  executionId: string;
  plan: Plan;
  input: unknown;
  execution: ExecutionInfo;
  /** RedriveExecution: resume where the previous run stood, appending to its history. */
  redrive?: Redrive;
  /**
   * The deployment's bounds when the execution started (`STEPFLOW_MAX_HISTORY_EVENTS`); the
   * definition's `MaxHistoryEvents` may lower them. Absent for executions started before.
   */
  limits?: {
    maxHistoryEvents?: number;
    /** Continue as new at the next top-level state past this many Temporal history events (see continue-as-new.ts). */
    continueAsNewEvents?: number;
    /** … or past this many bytes of Temporal history. */
    continueAsNewBytes?: number;
  };
  /** The previous run of this execution continued as new: go on where it stood (no event recorded). */
  continuation?: Continuation;
  /**
   * The deployment's resource bindings when the execution started (see workflows/resources.ts):
   * a later change of the bindings file never changes them. Absent: the built-in defaults.
   */
  bindings?: BindingSet;
  /**
   * A Map Run's child (see workflows/map-run.ts): `plan` and `input` are placeholders, read from
   * the store when the workflow starts, so no item travels through the Map Run's history.
   */
  mapRunChild?: { mapRunArn: string; index: number };
  /**
   * EXECUTION_FEATURES when the execution started: a new execution takes its patches as in
   * effect instead of recording a patch marker (a marker, a `TemporalChangeVersion` search
   * attribute upsert and its visibility write: two of a Map Run child's 15 Temporal events).
   * Absent for executions started before, which ask `patched()` as they did. Continue-as-new
   * carries it.
   */
  features?: number;
}

/** How an execution ended, including a stop (`ABORTED`, StopExecution's optional error and cause). */
export type WorkflowOutcome = ExecutionOutcome | AbortedOutcome;

/** StopExecution: the execution ends ABORTED with this error and cause; running functions are cancelled. */
export type StopRequest = AbortRequest;

/** Signal that stops an execution (StopExecution). */
export const stopSignal = defineSignal<[StopRequest]>('stop');

/** SendTaskSuccess / SendTaskFailure: how a callback task ended. */
export type TaskCallback = { nonce: string; output: unknown } | { nonce: string; error?: string; cause?: string };

/** Completes the task waiting with `nonce`; rejected (TaskTimedOut) when no task waits for it. */
export const taskCallbackUpdate = defineUpdate<void, [TaskCallback]>('taskCallback');

/** SendTaskHeartbeat: restarts the `HeartbeatSeconds` clock of the task waiting with `nonce`. */
export const taskHeartbeatUpdate = defineUpdate<void, [{ nonce: string }]>('taskHeartbeat');

/** An activity worker claimed the task (GetActivityTask): records `ActivityStarted`. */
export const taskStartedSignal = defineSignal<[{ nonce: string; workerName?: string }]>('taskStarted');

/**
 * ApplicationFailure type of an invocation the host could not start (e.g. Postgres unreachable
 * while writing the pending events): nothing ran, so the workflow delivers it again.
 */
export const FUNCTION_NOT_STARTED = 'Stepflow.FunctionNotStarted';

/** The function host's task queue: derived from the workflow's own, so a workflow needs no setting to find it. */
export function functionsTaskQueue(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-functions`;
}

/** Name of the workflow that runs one function on the function host (TestState; forwarded invocations). */
export const FUNCTION_INVOCATION_WORKFLOW = 'functionInvocation';

export type { ExecutionOutcome };

/** Name of the workflow that runs one Distributed Map's Map Run (its children). */
export const MAP_RUN_WORKFLOW = 'stepflowMapRun';

/** UpdateMapRun: new `maxConcurrency` and tolerances of a running Map Run. */
export interface MapRunUpdate {
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** Signal that changes a running Map Run's concurrency and tolerance (UpdateMapRun). */
export const updateMapRunSignal = defineSignal<[MapRunUpdate]>('updateMapRun');

/** Input of the Map Run workflow; `cursor` carries its progress across continue-as-new. */
export interface MapRunWorkflowInput {
  mapRunArn: string;
  parentExecutionId: string;
  parentExecutionArn: string;
  total: number;
  settings: MapRunUpdate;
  limits?: ExecutionWorkflowInput['limits'];
  bindings?: BindingSet;
  cursor?: { next: number; failures: number; runs: number };
}

/** How a Map Run ended (its children's outputs are read from the store by the parent). */
export type MapRunWorkflowOutcome =
  { status: 'SUCCEEDED' } | { status: 'FAILED' | 'ABORTED'; error: string; cause: string };
