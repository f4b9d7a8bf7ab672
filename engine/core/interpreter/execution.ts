import { StatesErrors } from '../errors';
import { HistoryRecorder, payloadText } from './history';
import { runMachine } from './machine';
import { asStatesError, Scope, type MachineDef } from './scope';
import type { ExecutionInfo, ExecutionOutcome, InterpreterHost } from './types';

/** The top-level machine, with the optional execution-wide `TimeoutSeconds` and `QueryLanguage`. */
export type TopLevelMachine = MachineDef & { TimeoutSeconds?: number; QueryLanguage?: string };

/** What `runExecution` hands back: how it ended, and the events the host has not yet written. */
export interface ExecutionRun {
  outcome: ExecutionOutcome;
  pendingEvents: ReturnType<HistoryRecorder['takePending']>;
}

/**
 * Runs one execution of `machine` on `input`: `ExecutionStarted`, the states, then
 * `ExecutionSucceeded`, `ExecutionFailed` or (past the top-level `TimeoutSeconds`)
 * `ExecutionTimedOut` with `States.Timeout`.
 */
export async function runExecution(
  machine: TopLevelMachine,
  input: unknown,
  execution: ExecutionInfo,
  host: InterpreterHost,
  /** The recorder to emit into; the host passes its own when it must add events (e.g. `ExecutionAborted`). */
  recorder: HistoryRecorder = new HistoryRecorder(() => host.now()),
): Promise<ExecutionRun> {
  // AWS chains the first state to event 0, not to ExecutionStarted.
  const scope = new Scope({ host, recorder, execution, executionInput: input, queryLanguage: machine.QueryLanguage }, 0);
  recorder.emit('ExecutionStarted', 0, 'executionStartedEventDetails', {
    input: payloadText(input),
    inputDetails: { truncated: false },
    roleArn: execution.roleArn,
  });
  const states = runMachine(machine, input, scope).then(
    (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
    (err): ExecutionOutcome => {
      const failure = asStatesError(err);
      return { status: 'FAILED', error: failure.error, cause: failure.cause };
    },
  );
  const timeout =
    machine.TimeoutSeconds === undefined
      ? undefined
      : host.sleep(machine.TimeoutSeconds * 1000, []).then((): ExecutionOutcome => {
          // The states stop at their next step; nothing they do is recorded any more.
          scope.abort.raise();
          return {
            status: 'TIMED_OUT',
            error: StatesErrors.Timeout,
            cause: `The execution timed out after ${machine.TimeoutSeconds} seconds`,
          };
        });
  const outcome = await (timeout ? Promise.race([states, timeout]) : states);
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
  return { outcome, pendingEvents: recorder.takePending() };
}
