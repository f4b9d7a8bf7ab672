import { findRetrier, retryDelayMs } from '../retry';
import { asStatesError, type Scope, type StateDef } from './scope';

/** `MaxAttempts` when a retrier does not say (ASL default). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Runs `attempt` and, when it fails, applies the state's `Retry` rules: the first retrier whose
 * `ErrorEquals` matches decides; each retrier counts its own attempts; the wait between attempts
 * is a durable sleep. Throws the last error when no retrier applies or attempts are exhausted.
 */
export async function withRetry<T>(
  state: StateDef,
  scope: Scope,
  attempt: (retryCount: number) => Promise<T>,
): Promise<T> {
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
      await scope.run.host.sleep(delay, scope.abort, !scope.run.recorder.keeps);
      scope.checkAbandoned();
    }
  }
}
