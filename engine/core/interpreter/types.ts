import type { HistoryEvent } from '../../../schemas/history';
import type { ChildExecutionRequest } from './nested';

/**
 * Tells the host that the branch waiting on a function or timer has been given up (a sibling
 * failed, the execution timed out), so it can cancel the wait; the interpreter ignores the result.
 */
export interface Abandonment {
  readonly raised: boolean;
  /** Calls `listener` once when raised; returns a function that unsubscribes it. */
  onRaise(listener: () => void): () => void;
}

/** What a Task state asks the host to run: one invocation of a function. */
export interface TaskInvocation {
  /** The state's name. */
  stateName: string;
  /**
   * How the resource was resolved (see `resolveResource`): a function, an activity's workers, or
   * a nested execution (`execution`; the outcome's `result` is then a `ChildExecutionDescription`,
   * except with a token, and `submitted` the description at its start).
   */
  kind: 'lambda' | 'http' | 'activity' | 'execution';
  /** For `lambda`: the function name (file base name in FUNCTIONS_DIR); for `activity`: the activity name. */
  functionName: string;
  /**
   * `.waitForTaskToken` (and every activity Task): the Task ends when SendTaskSuccess/Failure
   * names this token (`$$.Task.Token` as the interpreter minted it), not when the function returns.
   */
  taskToken?: string;
  /** `startExecution`: the child execution to start (`functionName` is then its state machine). */
  execution?: ChildExecutionRequest;
  /** The function's event (effective parameters, or `Payload` for `lambda:invoke`). */
  payload: unknown;
  /** ASL `TimeoutSeconds` (resolved), if any. */
  timeoutSeconds?: number;
  /** ASL `HeartbeatSeconds` (resolved), if any. */
  heartbeatSeconds?: number;
  /** Same for every attempt of the same state entry: the key for idempotent side effects. */
  idempotencyKey: string;
  /** History events not yet durably written; the host writes them before running the function. */
  pendingEvents: HistoryEvent[];
  /** Raised when the branch running this Task is abandoned: the host may cancel the invocation. */
  abandoned?: Abandonment;
  /**
   * Set when the host records the start itself (see `InterpreterHost.recordsTaskStart`): the id
   * of the Task's `…Started` event, already among `pendingEvents`, for the host to stamp with the
   * moment the function really starts.
   */
  startedEventId?: number;
}

/** What an invocation returns. */
export interface TaskOutcome {
  result: unknown;
  /** Epoch ms at which the function started (for `TaskStarted`), or an activity worker took the task. */
  startedAt: number;
  /** Callback pattern: what the function returned when it took the token (for `TaskSubmitted`). */
  submitted?: unknown;
  /** Activity Task: the `workerName` the worker gave to GetActivityTask (for `ActivityStarted`). */
  workerName?: string;
}

/**
 * Everything the interpreter needs from its host. The Temporal workflow provides durable versions;
 * tests and benchmarks provide in-memory ones. Time and randomness only come from here.
 */
export interface InterpreterHost {
  /** Current time, epoch ms (the workflow's deterministic clock under Temporal). */
  now(): number;
  /** Uniform random number in [0, 1) (replay-safe under Temporal). */
  random(): number;
  /** Runs a function; throws a `StatesError` with the ASL error name when it fails. */
  invokeTask(invocation: TaskInvocation): Promise<TaskOutcome>;
  /**
   * True when the host writes a function Task's `…Started` event as the function starts (so a
   * monitor sees it running): the interpreter then records it before the call, not after.
   */
  recordsTaskStart?(): boolean;
  /**
   * Durable sleep; receives events not yet written so the host can write them first. When the
   * branch is abandoned (`abandoned` raised), the host may cancel the timer and reject.
   */
  sleep(ms: number, pendingEvents: HistoryEvent[], abandoned?: Abandonment): Promise<void>;
  /**
   * Writes events durably. Called only when many events piled up with no Task or Wait to carry
   * them (a long Pass/Choice loop), so no single write grows past MAX_PENDING_EVENTS.
   */
  flush?(pendingEvents: HistoryEvent[]): Promise<void>;
  /**
   * Lets the host process what else happened (timers, signals) and its clock move on: called
   * after SYNC_STEPS_BEFORE_YIELD states in a row that did not wait on the host. Absent: no yield.
   */
  yield?(): Promise<void>;
  /**
   * Whether this execution bounds its concurrent branches (MAX_CONCURRENT_BRANCHES); asked only
   * when the bound would change what runs. Absent: it does.
   */
  boundsBranches?(): boolean;
  /**
   * Asked at each top-level state boundary (no branch running, no Task waiting): true when the
   * host wants to hand the execution over to a fresh run (Temporal's continue-as-new) before the
   * next state. The execution then ends its run with a `Continuation`. Absent: never.
   */
  continueAsNew?(): boolean;
  /**
   * Asked before every state: true when the execution's durable record (Temporal's history) is
   * about to reach a limit that continuing as new cannot lift (the state runs inside a branch).
   * The execution then fails with `States.Runtime` instead of being refused by its host.
   */
  historyExhausted?(): boolean;
}

/** Identity of the execution, as the Context object (`$$`) exposes it. */
export interface ExecutionInfo {
  /** Execution ARN. */
  id: string;
  name: string;
  stateMachineId: string;
  stateMachineName: string;
  roleArn: string;
  /** ISO-8601 start time. */
  startTime: string;
  redriveCount: number;
}

/** How an execution ended. */
export type ExecutionOutcome =
  { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED' | 'TIMED_OUT'; error: string; cause: string };
