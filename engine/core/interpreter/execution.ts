import { StatesErrors } from '../errors';
import { ExecutionBounds, type ExecutionLimits } from './bounds';
import { CompensationStack, runCompensations } from './compensation';
import { ContinuationRequested, type Continuation } from './continuation';
import { HistoryRecorder, payloadText } from './history';
import { runMachine } from './machine';
import { captureResume, type ResumePoint } from './resume';
import { asStatesError, Scope, type MachineDef } from './scope';
import type {
  AbortedOutcome,
  AbortRequest,
  ExecutionInfo,
  ExecutionOutcome,
  InterpreterHost,
  MapRunHost,
} from './types';

/** The top-level machine, with the optional execution-wide `TimeoutSeconds` and `QueryLanguage`. */
export type TopLevelMachine = MachineDef & {
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  MaxHistoryEvents?: number;
};

/** How a run ended: its outcome, and the events its recorder still held (the host has not written them). */
export interface ExecutionRun {
  outcome: ExecutionOutcome;
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
  /** Where the states stood when the execution failed or timed out (what a redrive resumes from). */
  resume?: ResumePoint;
}

/** What `abort` hands back: the outcome, where the states stood, and the closing events. */
export interface AbortedRun {
  outcome: AbortedOutcome;
  /** The events the recorder held, `ExecutionAborted` last. */
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
  /** Where the states stood when stopped: what a redrive resumes from. */
  resume?: ResumePoint;
}

/** A run that handed the execution over to a new run (continue-as-new) at a top-level state boundary. */
export interface ContinuedRun {
  continuation: Continuation;
  /** The events the recorder still held: the host writes them before the next run starts. */
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
}

/**
 * A running execution. Awaiting it (or `result`) gives how it ended; `abort` stops it (StopExecution).
 */
export interface ExecutionHandle extends PromiseLike<ExecutionRun> {
  readonly result: Promise<ExecutionRun>;
  /**
   * Settles when the run hands the execution over to a new one (only for a host that implements
   * `continueAsNew`); `result` then never settles.
   */
  readonly continued: Promise<ContinuedRun>;
  /**
   * Records the stop: captures where the states stand (before anything is cancelled), emits
   * `ExecutionAborted` and hands back the closing events. The history is closed from then on:
   * what the states still do is never handed to the host. The host cancels what it runs for the
   * execution (functions, timers) itself; `result` may then never settle.
   */
  abort(request: AbortRequest): AbortedRun;
}

/** Options of `runExecution`. */
export interface RunOptions {
  /** A redrive of an execution that ended: resume where it stood, appending to its history. */
  redrive?: Redrive;
  /** Bounds decided at the start (the history cap). */
  limits?: ExecutionLimits;
  /** The previous run of this execution continued as new: resume where it stood (no event recorded). */
  continuation?: Continuation;
}

/** A redrive: the run resumes from `resume` and appends to the history after `lastEventId`. */
export interface Redrive {
  resume: ResumePoint;
  lastEventId: number;
}

/**
 * The host as the states see it: every wait on it (a Task, a timer) counts as a yield. One object
 * literal, an optional member `undefined` where the host has none: adding function-valued members
 * to the object afterwards made V8 keep every execution's objects alive through minor GCs (a chain
 * run spent half its time in the scavenger).
 */
function pacedHost(host: InterpreterHost, bounds: () => ExecutionBounds): InterpreterHost {
  return {
    now: () => host.now(),
    random: () => host.random(),
    invokeTask: (invocation) => {
      bounds().waited();
      return bounds().resumed(host.invokeTask(invocation));
    },
    sleep: (ms, abandoned, detached) => {
      bounds().waited();
      return bounds().resumed(host.sleep(ms, abandoned, detached));
    },
    flush: host.flush && (() => host.flush!()),
    flushAfterEvents: host.flushAfterEvents && (() => host.flushAfterEvents!()),
    yield: host.yield && (() => host.yield!()),
    boundsBranches: host.boundsBranches && (() => host.boundsBranches!()),
    pacesActivations: host.pacesActivations && (() => host.pacesActivations!()),
    recordsTaskStart: host.recordsTaskStart && (() => host.recordsTaskStart!()),
    continueAsNew: host.continueAsNew && (() => host.continueAsNew!()),
    historyExhausted: host.historyExhausted && (() => host.historyExhausted!()),
    mapRuns: host.mapRuns && pacedMapRuns(host.mapRuns, bounds),
  };
}

/** The host's Map Runs as the states see them: waiting on one counts as a yield. */
function pacedMapRuns(mapRuns: MapRunHost, bounds: () => ExecutionBounds): MapRunHost {
  return {
    enabled: () => mapRuns.enabled(),
    ...(mapRuns.s3Enabled ? { s3Enabled: () => mapRuns.s3Enabled!() } : {}),
    ...(mapRuns.uncapped ? { uncapped: () => mapRuns.uncapped!() } : {}),
    ...(mapRuns.writerConfig ? { writerConfig: () => mapRuns.writerConfig!() } : {}),
    start: (request) => mapRuns.start(request),
    wait: (run, abandoned) => {
      bounds().waited();
      return mapRuns.wait(run, abandoned);
    },
  };
}

/**
 * Starts one execution of `machine` on `input`: `ExecutionStarted`, the states, then
 * `ExecutionSucceeded`, `ExecutionFailed` or (past the top-level `TimeoutSeconds`)
 * `ExecutionTimedOut` with `States.Timeout` — after a failure or timeout, the compensation stack
 * first (see compensation.ts). Past its history cap (`limits.maxHistoryEvents`) the execution
 * fails with `States.Runtime`, as it does when a timeout fires: every branch stops at its next
 * state. The events go into the host's recorder (`host.history`; absent, one of the run's own).
 */
export function runExecution(
  machine: TopLevelMachine,
  input: unknown,
  execution: ExecutionInfo,
  host: InterpreterHost,
  options: RunOptions = {},
): ExecutionHandle {
  const recorder = host.history ?? new HistoryRecorder(() => host.now());
  const paced = pacedHost(host, () => bounds);
  const bounds = new ExecutionBounds(paced, options.limits?.maxHistoryEvents ?? 0);
  const scope = new Scope(
    {
      host: paced,
      recorder,
      execution,
      executionInput: input,
      queryLanguage: machine.QueryLanguage,
      bounds,
      compensations: new CompensationStack(options.continuation?.compensations),
    },
    0,
  );
  scope.isTop = true;
  let aborted: AbortedRun | undefined;
  let handOver: (run: ContinuedRun) => void = () => undefined;
  const continued = new Promise<ContinuedRun>((resolve) => (handOver = resolve));
  const result = interpret(machine, input, execution, host, scope, options, handOver);
  return {
    result,
    continued,
    then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
    abort(request: AbortRequest): AbortedRun {
      if (aborted) return aborted;
      // Where the states stand now, before the host cancels what they wait on.
      const resume = captureResume(scope);
      const { error, cause } = request;
      recorder.emit(recorder.lastId, {
        type: 'ExecutionAborted',
        executionAbortedEventDetails: {
          ...(error !== undefined ? { error } : {}),
          ...(cause !== undefined ? { cause } : {}),
        },
      });
      aborted = {
        outcome: { status: 'ABORTED', ...request },
        pendingEvents: recorder.takePending(),
        ...(resume ? { resume } : {}),
      };
      recorder.close();
      return aborted;
    },
  };
}

/** The run itself (see runExecution). */
async function interpret(
  machine: TopLevelMachine,
  input: unknown,
  execution: ExecutionInfo,
  host: InterpreterHost,
  scope: Scope,
  { redrive, continuation }: RunOptions,
  handOver: (run: ContinuedRun) => void,
): Promise<ExecutionRun> {
  const { recorder, bounds } = scope.run;
  // When the execution's TimeoutSeconds runs out (carried over from run to run).
  const deadline =
    continuation?.deadline ??
    (machine.TimeoutSeconds === undefined ? undefined : host.now() + machine.TimeoutSeconds * 1000);
  if (continuation) {
    // The same history goes on: no event records the hand-over.
    recorder.continueAfter(continuation.lastEventId);
    scope.lastEventId = continuation.previousEventId;
    scope.resume = continuation.resume;
  } else if (redrive) {
    recorder.continueAfter(redrive.lastEventId);
    scope.lastEventId = recorder.emit(redrive.lastEventId, {
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: execution.redriveCount },
    });
    scope.resume = redrive.resume;
  } else {
    // AWS chains the first state to event 0, not to ExecutionStarted.
    recorder.emit(0, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: {
        input: payloadText(input),
        inputDetails: { truncated: false },
        roleArn: execution.roleArn,
      },
    });
  }
  let continued = false;
  const states = runMachine(machine, input, scope).then(
    (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
    (err): ExecutionOutcome => {
      if (err instanceof ContinuationRequested) continued = true;
      const failure = asStatesError(err);
      return { status: 'FAILED', error: failure.error, cause: failure.cause };
    },
  );
  const timeout =
    machine.TimeoutSeconds === undefined
      ? undefined
      : host.sleep(Math.max(0, (deadline ?? 0) - host.now()), undefined, true).then((): ExecutionOutcome => {
          // The states stop at their next step; nothing they do is recorded any more.
          scope.abort.raise();
          return {
            status: 'TIMED_OUT',
            error: StatesErrors.Timeout,
            cause: `The execution timed out after ${machine.TimeoutSeconds} seconds`,
          };
        });
  const capped = new Promise<ExecutionOutcome>((resolve) =>
    bounds.whenCapExceeded(() => {
      // As with a timeout: the states stop at their next step, and nothing they do is recorded.
      scope.abort.raise();
      const failure = bounds.capError!;
      resolve({ status: 'FAILED', error: failure.error, cause: failure.cause });
    }),
  );
  const outcome = await Promise.race(timeout ? [states, timeout, capped] : [states, capped]);
  if (continued) {
    handOver({
      continuation: {
        resume: captureResume(scope)!,
        lastEventId: recorder.lastId,
        previousEventId: scope.lastEventId,
        compensations: scope.run.compensations.toArray(),
        runs: (continuation?.runs ?? 0) + 1,
        ...(deadline === undefined ? {} : { deadline }),
      },
      pendingEvents: recorder.takePending(),
    });
    // This run ends here: the execution goes on in the next one.
    return new Promise<ExecutionRun>(() => undefined);
  }
  if (outcome.status !== 'SUCCEEDED') {
    // Stepflow's saga extension: the `Compensate` steps of succeeded Tasks run before the end.
    const last = await runCompensations(
      scope,
      outcome.status === 'TIMED_OUT' ? recorder.lastId : scope.lastEventId,
      outcome,
    );
    if (outcome.status === 'FAILED') scope.lastEventId = last;
  }
  if (outcome.status === 'SUCCEEDED') {
    scope.emit({
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: payloadText(outcome.output), outputDetails: { truncated: false } },
    });
  } else if (outcome.status === 'TIMED_OUT') {
    scope.run.recorder.emit(recorder.lastId, {
      type: 'ExecutionTimedOut',
      executionTimedOutEventDetails: { error: outcome.error, cause: outcome.cause },
    });
  } else {
    // A Fail state without Error/Cause leaves them out of the event, as AWS does.
    scope.emit({
      type: 'ExecutionFailed',
      executionFailedEventDetails: {
        ...(outcome.error === '' ? {} : { error: outcome.error }),
        ...(outcome.cause === '' ? {} : { cause: outcome.cause }),
      },
    });
  }
  const resume = outcome.status === 'SUCCEEDED' ? undefined : captureResume(scope);
  return { outcome, pendingEvents: recorder.takePending(), ...(resume ? { resume } : {}) };
}
