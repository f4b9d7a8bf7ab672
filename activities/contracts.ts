/**
 * The activities' contracts: what each activity takes and returns. They live with the
 * activities; workflow code imports them as types only (`import type`), so nothing in
 * `activities/` is ever bundled into a workflow and no import cycle runs between the two.
 */
import type { ChildExecutionDescription, ChildExecutionRequest } from '../engine/core/interpreter/nested';
import type { ResumePoint } from '../engine/core/interpreter';
import type { Implementation } from '../engine/core/resource-bindings';
import type { HistoryEvent } from '../schemas/history';
import type { ExecutionWorkflowInput, WorkflowOutcome } from '../workflows/messages';
import type { MapRunRequest } from '../engine/core/interpreter/map-run';

/** Input of the `invokeFunction` activity. */
export interface InvokeFunctionInput {
  executionId: string;
  stateName: string;
  functionName: string;
  payload: unknown;
  idempotencyKey: string;
  /** History events to write (idempotently) before the function runs. */
  pendingEvents: HistoryEvent[];
  /** For `.waitForTaskToken`: the token as the workflow knows it; the function gets it signed. */
  taskToken?: string;
  /** The Task's `…Started` event among `pendingEvents`: the host stamps it with the moment the function starts. */
  startedEventId?: number;
  /** Which delivery this is (1, then 2… after the function host was lost); for the host's log. */
  attempt?: number;
}

/** What `invokeFunction` returns: the function's result and when it started (epoch ms). */
export interface InvokeFunctionResult {
  result: unknown;
  startedAt: number;
}

/** Input of `invokeResource`: one attempt of a Task routed by its bindings. */
export interface InvokeResourceInput {
  executionId: string;
  stateName: string;
  /** The Task's resource (ARN) or function name, for messages and logs. */
  resource: string;
  functionName: string;
  implementation: Exclude<Implementation, { kind: 'function' | 'temporal' | 'unbound' }>;
  payload: unknown;
  idempotencyKey: string;
  pendingEvents: HistoryEvent[];
  timeoutSeconds?: number;
  startedEventId?: number;
  taskToken?: string;
}

/** Input of the function-invocation workflow (TestState's Task; invocations forwarded to the function host). */
export interface FunctionInvocationInput {
  invocation: InvokeFunctionInput;
  /** The invocation's start-to-close timeout. */
  timeoutSeconds: number;
}

/** Input of the `enqueueActivityTask` activity (a Task on an activity ARN). */
export interface EnqueueActivityTaskInput {
  executionId: string;
  activityName: string;
  taskToken: string;
  input: unknown;
  timeoutSeconds?: number;
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
  /** Where the states stood (failed, timed out, stopped): kept for a redrive. */
  resume?: ResumePoint;
}

/**
 * What a bulk history write (`writeHistory`, `closeExecution`) says besides its rows, which
 * travel as the activity's last argument: the JSON text of the event rows as UTF-8 bytes (see
 * `workflows/history-rows.ts`), a binary payload Temporal passes on unconverted.
 */
export interface HistoryBatchInput {
  executionId: string;
  /** States entered per state type in the batch (the transition metric). */
  entered: Record<string, number>;
}

/** `closeExecution`: the closing events (the rows argument) and the outcome, in one statement. */
export interface CloseExecutionInput extends HistoryBatchInput {
  outcome: WorkflowOutcome;
  /** Timestamp of the last event: the execution's stop date. */
  stopDate: string;
  /** Where the states stood (failed, timed out, stopped): kept for a redrive. */
  resume?: ResumePoint;
}

/** Input of the `startChildExecution` activity: the parent's pending events and the child to store. */
export interface StartChildExecutionInput {
  parentExecutionId: string;
  request: ChildExecutionRequest;
  /** `.waitForTaskToken`: the token as the parent knows it; the child's input gets it signed. */
  taskToken?: string;
  pendingEvents: HistoryEvent[];
}

/** What `startChildExecution` returns: the child workflow's input and the child as started. */
export interface StartChildExecutionResult {
  workflowInput: ExecutionWorkflowInput;
  description: ChildExecutionDescription;
}

/** Input of the `abortChildExecution` activity (a child whose workflow could not be started). */
export interface AbortChildExecutionInput {
  executionId: string;
  cause: string;
}

/**
 * Input of `materializeMapRunItems`: the Map Run to store (or, on a redrive of its parent, to
 * reopen) with its children's inputs, each stored once and read by index when its child starts.
 */
export interface MaterializeMapRunInput {
  parentExecutionId: string;
  /** The parent's redrive count: a redriven parent reopens its failed Map Run of the same state. */
  parentRedriveCount: number;
  request: MapRunRequest;
  /** True when the inputs are ItemBatcher batches (`{Items: [...]}`): itemCounts count their items. */
  batched: boolean;
}

/** What `materializeMapRunItems` stored: the Map Run to run and its size. */
export interface MaterializedMapRun {
  mapRunArn: string;
  redriven: boolean;
  /** Children (items, or batches). */
  total: number;
  /** The Map Run's current settings (a reopened run keeps those UpdateMapRun set). */
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** One child of a Map Run, ready to start (or already succeeded in an earlier run of it). */
export interface MapRunChild {
  index: number;
  /** Set when this item's child already SUCCEEDED (a redriven Map Run): nothing to start. */
  done?: true;
  workflowInput?: ExecutionWorkflowInput;
}
