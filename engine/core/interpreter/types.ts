import type { HistoryRecorder } from './history';
import type { MapRunOutcome, MapRunRequest, MapRunStart } from './map-run';
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
  kind: 'lambda' | 'http' | 'activity' | 'execution' | 'integration';
  /** The Task's `Resource` as written (what bindings match a service integration by). */
  resource?: string;
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
  /** Raised when the branch running this Task is abandoned: the host may cancel the invocation. */
  abandoned?: Abandonment;
  /**
   * Set for a Task of a history Stepflow does not keep (a Distributed Map child): the host writes
   * nothing before running it (its recorder's events go out with the execution's next write).
   */
  detached?: true;
  /**
   * Set when the host records the start itself (see `InterpreterHost.recordsTaskStart`): the id
   * of the Task's `…Started` event, already in the host's recorder, for the host to stamp with
   * the moment the function really starts.
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
 *
 * History: the interpreter emits every event into `history`, a recorder the host owns; the host
 * takes what it holds (`takePending`) whenever it writes — before a function runs, before a timer,
 * at a `flush`, at the end. No call carries events: how and when they are stored is the host's.
 */
export interface InterpreterHost {
  /**
   * The recorder the interpreter emits this execution's events into (one per execution). Absent:
   * the interpreter keeps its own, and the events come back only with the run's result.
   */
  readonly history?: HistoryRecorder;
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
   * Durable sleep: a Wait state or a Retry interval, before which the host writes the events its
   * recorder holds. `detached`: a timer no state waits on (the execution's `TimeoutSeconds`) or
   * one of a history Stepflow does not keep (a Distributed Map child): the host writes nothing
   * for it. When the branch is abandoned (`abandoned` raised), the host may cancel the timer and reject.
   */
  sleep(ms: number, abandoned?: Abandonment, detached?: boolean): Promise<void>;
  /**
   * A point where the host may write the events its recorder holds: called after a state when
   * MAX_PENDING_EVENTS or more piled up with no Task or Wait to carry them (a long Pass/Choice
   * loop). The host decides whether to write now or let more pile up.
   */
  flush?(): Promise<void>;
  /** How many pending events make the interpreter call `flush` (absent: MAX_PENDING_EVENTS). */
  flushAfterEvents?(): number;
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
   * Whether this execution paces its activations (see `ExecutionBounds.paced`: a smaller branch
   * window and a budget of work per workflow task); asked when a Parallel or Map first asks for
   * more lanes than ACTIVATION_BUDGET. Absent: it does not.
   */
  pacesActivations?(): boolean;
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
  /**
   * Distributed Map as a Map Run of child executions. Absent, or `enabled()` false (an execution
   * recorded before the host ran Map Runs): the interpreter runs the items inside the execution.
   */
  mapRuns?: MapRunHost;
}

/** How a host runs a Distributed Map's Map Run (see MapRunRequest). */
export interface MapRunHost {
  /** Asked synchronously when a Distributed Map starts (a replay must take the same path). */
  enabled(): boolean;
  /**
   * Asked synchronously when a Distributed Map with an `ItemReader` or an S3 `ResultWriter` starts:
   * true when the host reads and writes S3 for it (false: an execution recorded before it could).
   */
  s3Enabled?(): boolean;
  /**
   * Asked synchronously when a Distributed Map has more items than an inline Map may: true when
   * the host takes them into a Map Run (false: an execution recorded when every Map was capped).
   */
  uncapped?(): boolean;
  /**
   * Asked synchronously when a Distributed Map's `ResultWriter` has only a `WriterConfig`: true
   * when the host applies it to the state's result (false: an execution recorded when it was
   * ignored).
   */
  writerConfig?(): boolean;
  /** Stores the Map Run and its items (or reopens an earlier run's on a redrive) and starts it. */
  start(request: MapRunRequest): Promise<MapRunStart>;
  /** Waits for the Map Run to end; when `abandoned` is raised the host stops it (children ABORTED). */
  wait(run: MapRunStart, abandoned?: Abandonment): Promise<MapRunOutcome>;
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

/** StopExecution: the execution ends ABORTED with this optional error and cause. */
export interface AbortRequest {
  error?: string;
  cause?: string;
}

/** How a stopped execution ended. */
export type AbortedOutcome = { status: 'ABORTED' } & AbortRequest;
