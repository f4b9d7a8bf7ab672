import type { StatesError } from '../errors';
import { canRetry, findRetrier, retryDelayMs } from '../retry';
import { asStatesError, type Scope, type StateDef } from './scope';

/** `MaxAttempts` when a retrier does not say (ASL default). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** The `Retry` of a state without one. */
const NO_RETRIERS: readonly never[] = [];

/** TestState (a run with a probe): the failed attempt would be retried; its retrier and backoff are in the probe. */
export class RetryDeferred extends Error {
  constructor(readonly failure: StatesError) {
    super('retry deferred');
    this.name = 'RetryDeferred';
  }
}

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
  const retriers = state.Retry ?? NO_RETRIERS;
  // Made at the first failure: most attempts succeed.
  let counts: number[] | undefined;
  for (let retryCount = 0; ; retryCount++) {
    try {
      return await attempt(retryCount);
    } catch (err) {
      const failure = asStatesError(err);
      const index = findRetrier(retriers, failure.error);
      if (index < 0) throw failure;
      const retrier = retriers[index];
      const { probe } = scope.run;
      if (probe) {
        // TestState: one attempt; the retry it would make is reported, not made.
        probe.retryIndex = index;
        if (!canRetry(retrier, probe.retryCount)) throw failure;
        probe.backoffSeconds = Math.round(
          retryDelayMs(retrier, probe.retryCount, () => scope.run.host.random()) / 1000,
        );
        throw new RetryDeferred(failure);
      }
      const made = (counts ??= retriers.map(() => 0));
      if (made[index] >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) throw failure;
      const delay = retryDelayMs(retrier, made[index], () => scope.run.host.random());
      made[index]++;
      await scope.run.host.sleep(delay, scope.abort, !scope.run.recorder.keeps);
      scope.checkAbandoned();
    }
  }
}
