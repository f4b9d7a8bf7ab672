import { StatesErrors } from '../errors';
import { ExecutionBounds, type ExecutionLimits } from './bounds';
import { compensationsOf, resetCompensations, runCompensations } from './compensation';
import { ContinuationRequested, type Continuation } from './continuation';
import { HistoryRecorder, payloadText } from './history';
import { runMachine } from './machine';
import { captureResume, type ResumePoint } from './resume';
import { asStatesError, Scope, type MachineDef } from './scope';
import type { ExecutionInfo, ExecutionOutcome, InterpreterHost } from './types';

/** The top-level machine, with the optional execution-wide `TimeoutSeconds` and `QueryLanguage`. */
export type TopLevelMachine = MachineDef & {
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  MaxHistoryEvents?: number;
};

/** What `runExecution` hands back: how it ended, and the events the host has not yet written. */
export interface ExecutionRun {
  outcome: ExecutionOutcome;
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
  /** Where the states stood when the execution failed or timed out (what a redrive resumes from). */
  resume?: ResumePoint;
}

/** A run that handed the execution over to a new run (continue-as-new) at a top-level state boundary. */
export interface ContinuedRun {
  continuation: Continuation;
  /** The events the host has not yet written: it writes them before the next run starts. */
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
}

/** A redrive: the run resumes from `resume` and appends to the history after `lastEventId`. */
export interface Redrive {
  resume: ResumePoint;
  lastEventId: number;
}

/** The resume point of a run still in progress (for a stop: see the workflow). */
export function resumePointOf(scope: Scope): ResumePoint | undefined {
  return captureResume(scope);
}

/** The host as the states see it: every wait on it (a Task, a timer) counts as a yield. */
function pacedHost(host: InterpreterHost, bounds: () => ExecutionBounds): InterpreterHost {
  const paced: InterpreterHost = {
    now: () => host.now(),
    random: () => host.random(),
    invokeTask: (invocation) => {
      bounds().waited();
      return host.invokeTask(invocation);
    },
    sleep: (ms, pendingEvents, abandoned) => {
      bounds().waited();
      return host.sleep(ms, pendingEvents, abandoned);
    },
  };
  if (host.flush) paced.flush = (pendingEvents) => host.flush!(pendingEvents);
  if (host.yield) paced.yield = () => host.yield!();
  if (host.boundsBranches) paced.boundsBranches = () => host.boundsBranches!();
  if (host.recordsTaskStart) paced.recordsTaskStart = () => host.recordsTaskStart!();
  if (host.continueAsNew) paced.continueAsNew = () => host.continueAsNew!();
  if (host.historyExhausted) paced.historyExhausted = () => host.historyExhausted!();
  return paced;
}

/**
 * Runs one execution of `machine` on `input`: `ExecutionStarted`, the states, then
 * `ExecutionSucceeded`, `ExecutionFailed` or (past the top-level `TimeoutSeconds`)
 * `ExecutionTimedOut` with `States.Timeout` — after a failure or timeout, the compensation stack
 * first (see compensation.ts). Past its history cap (`limits.maxHistoryEvents`) the execution
 * fails with `States.Runtime`, as it does when a timeout fires: every branch stops at its next state.
 */
export async function runExecution(
  machine: TopLevelMachine,
  input: unknown,
  execution: ExecutionInfo,
  host: InterpreterHost,
  recorder: HistoryRecorder = new HistoryRecorder(() => host.now()),
  redrive?: Redrive,
  onScope?: (scope: Scope) => void,
  limits: ExecutionLimits = {},
): Promise<ExecutionRun> {
  if (host.continueAsNew) throw new Error('a host that continues as new runs executions with runExecutionRun');
  return (await runExecutionRun(machine, input, execution, host, recorder, redrive, onScope, limits)) as ExecutionRun;
}

/**
 * `runExecution` for a host that may continue as new (`InterpreterHost.continueAsNew`): the run
 * either ends the execution or hands it over with a `Continuation`, which the next run receives
 * as `continuation` and resumes from without recording anything for the hand-over.
 */
export async function runExecutionRun(
  machine: TopLevelMachine,
  input: unknown,
  execution: ExecutionInfo,
  host: InterpreterHost,
  /** The recorder to emit into; the host passes its own when it must add events (e.g. `ExecutionAborted`). */
  recorder: HistoryRecorder = new HistoryRecorder(() => host.now()),
  /** A redrive of an execution that ended: resume where it stood, appending to its history. */
  redrive?: Redrive,
  /** Called with the top-level scope once it exists (the host reads its resume point on a stop). */
  onScope?: (scope: Scope) => void,
  /** Bounds decided at the start (the history cap). */
  limits: ExecutionLimits = {},
  /** The previous run of this execution continued as new: resume where it stood. */
  continuation?: Continuation,
): Promise<ExecutionRun | ContinuedRun> {
  const paced = pacedHost(host, () => bounds);
  const bounds = new ExecutionBounds(paced, limits.maxHistoryEvents ?? 0);
  const scope = new Scope(
    { host: paced, recorder, execution, executionInput: input, queryLanguage: machine.QueryLanguage, bounds },
    0,
  );
  scope.isTop = true;
  onScope?.(scope);
  resetCompensations(paced, continuation?.compensations);
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
    scope.lastEventId = recorder.emit('ExecutionRedriven', redrive.lastEventId, 'executionRedrivenEventDetails', {
      redriveCount: execution.redriveCount,
    });
    scope.resume = redrive.resume;
  } else {
    // AWS chains the first state to event 0, not to ExecutionStarted.
    recorder.emit('ExecutionStarted', 0, 'executionStartedEventDetails', {
      input: payloadText(input),
      inputDetails: { truncated: false },
      roleArn: execution.roleArn,
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
      : host.sleep(Math.max(0, (deadline ?? 0) - host.now()), []).then((): ExecutionOutcome => {
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
    const next: Continuation = {
      resume: captureResume(scope)!,
      lastEventId: recorder.lastId,
      previousEventId: scope.lastEventId,
      compensations: compensationsOf(paced),
      runs: (continuation?.runs ?? 0) + 1,
      ...(deadline === undefined ? {} : { deadline }),
    };
    return { continuation: next, pendingEvents: recorder.takePending() };
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
    scope.emit('ExecutionSucceeded', 'executionSucceededEventDetails', {
      output: payloadText(outcome.output),
      outputDetails: { truncated: false },
    });
  } else if (outcome.status === 'TIMED_OUT') {
    scope.run.recorder.emit('ExecutionTimedOut', recorder.lastId, 'executionTimedOutEventDetails', {
      error: outcome.error,
      cause: outcome.cause,
    });
  } else {
    // A Fail state without Error/Cause leaves them out of the event, as AWS does.
    scope.emit('ExecutionFailed', 'executionFailedEventDetails', {
      ...(outcome.error === '' ? {} : { error: outcome.error }),
      ...(outcome.cause === '' ? {} : { cause: outcome.cause }),
    });
  }
  const resume = outcome.status === 'SUCCEEDED' ? undefined : captureResume(scope);
  return { outcome, pendingEvents: recorder.takePending(), ...(resume ? { resume } : {}) };
}
