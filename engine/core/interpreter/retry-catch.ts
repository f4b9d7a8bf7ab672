import { type StatesError } from '../errors';
import { errorOutput, findCatcher, findRetrier, retryDelayMs } from '../retry';
import type { Assignment } from '../variables';
import { resultPath } from './data-flow';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign } from './query-language';
import { asStatesError, contextObject, type Scope, type StateDef } from './scope';

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

/** Where a caught error sends the execution, and the state output built from it. */
export interface Caught {
  next: string;
  output: unknown;
  /** The catcher's `Assign` (it replaces the state's). */
  assigned?: Assignment;
}

/**
 * Applies the state's `Catch` rules to `err` (synchronously for a plain JSONPath catcher: an await
 * there would change how concurrent branches interleave, which replays depend on): the first catcher whose `ErrorEquals` matches sends
 * the execution to its `Next` with the error output `{Error, Cause}` placed by its `ResultPath`
 * into the raw state input (JSONPath), or its `Output` (JSONata, default the error output) with
 * `$states.errorOutput`; its `Assign` reads the error output (`$` in JSONPath). Returns undefined
 * when no catcher matches.
 */
export function tryCatch(
  name: string,
  state: StateDef,
  rawInput: unknown,
  err: StatesError,
  scope: Scope,
  enteredTime: string,
): Caught | undefined | Promise<Caught> {
  const catchers = state.Catch ?? [];
  const index = findCatcher(catchers, err.error);
  if (index < 0) return undefined;
  const catcher = catchers[index];
  const error = errorOutput(err.error, err.cause);
  if (catcher.Assign === undefined && catcher.Output === undefined && !isJsonata(state, scope)) {
    return { next: catcher.Next, output: resultPath(catcher.ResultPath, rawInput, error) };
  }
  const ctx = contextObject(scope, { name, enteredTime, retryCount: 0 });
  if (isJsonata(state, scope)) {
    const states = { input: rawInput, context: ctx, errorOutput: error };
    return jsonataOutput(state, jsonataScope(scope, states), error, catcher.Output, catcher.Assign).then(
      (produced) => ({ next: catcher.Next, ...produced }),
    );
  }
  const assigned = jsonPathAssign(catcher.Assign, error, ctx, scope);
  return { next: catcher.Next, output: resultPath(catcher.ResultPath, rawInput, error), assigned };
}
