import { StatesError } from '../errors';
import { errorOutput, findCatcher, findRetrier, retryDelayMs } from '../retry';
import { resultPath } from './data-flow';
import { asStatesError, type Scope, type StateDef } from './scope';

/** `MaxAttempts` when a retrier does not say (ASL default). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Runs `attempt` and, when it fails, applies the state's `Retry` rules: the first retrier whose
 * `ErrorEquals` matches decides; each retrier counts its own attempts; the wait between attempts
 * is a durable sleep. Throws the last error when no retrier applies or attempts are exhausted.
 */
export async function withRetry<T>(state: StateDef, scope: Scope, attempt: (retryCount: number) => Promise<T>): Promise<T> {
  const retriers = state.Retry ?? [];
  const counts = retriers.map(() => 0);
  for (let retryCount = 0; ; retryCount++) {
    try {
      return await attempt(retryCount);
    } catch (err) {
      const failure = asStatesError(err);
      const index = findRetrier(retriers, failure.error);
      if (index < 0) throw failure;
      const retrier = retriers[index];
      if (counts[index] >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) throw failure;
      const delay = retryDelayMs(retrier, counts[index], () => scope.run.host.random());
      counts[index]++;
      await scope.run.host.sleep(delay, scope.run.recorder.takePending());
      scope.checkAbandoned();
    }
  }
}

/** Where a caught error sends the execution, and the state output built from it. */
export interface Caught {
  next: string;
  output: unknown;
}

/**
 * Applies the state's `Catch` rules to `err`: the first catcher whose `ErrorEquals` matches sends
 * the execution to its `Next` with the error output `{Error, Cause}` placed by its `ResultPath`
 * into the raw state input. Returns undefined when no catcher matches.
 */
export function tryCatch(state: StateDef, rawInput: unknown, err: StatesError): Caught | undefined {
  const catchers = state.Catch ?? [];
  const index = findCatcher(catchers, err.error);
  if (index < 0) return undefined;
  const catcher = catchers[index];
  return { next: catcher.Next, output: resultPath(catcher.ResultPath, rawInput, errorOutput(err.error, err.cause)) };
}
