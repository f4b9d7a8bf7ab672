import { StatesErrors } from './errors';

/** ASL default of a Retrier's "IntervalSeconds". */
export const DEFAULT_INTERVAL_SECONDS = 1;
/** ASL default of a Retrier's "MaxAttempts" (0 means never retry). */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** ASL default of a Retrier's "BackoffRate". */
export const DEFAULT_BACKOFF_RATE = 2.0;
/** ASL default of a Retrier's "JitterStrategy". */
export const DEFAULT_JITTER_STRATEGY = 'NONE';

/** The fields of a Retrier that shape its delays. */
export interface RetrierTiming {
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE' | string;
}

/** Errors that no wildcard ("States.ALL", "States.TaskFailed") matches. */
const NOT_MATCHED_BY_WILDCARDS = new Set<string>([StatesErrors.Runtime, StatesErrors.DataLimitExceeded]);

/**
 * True when a Retrier's or Catcher's "ErrorEquals" matches `error`: an exact name;
 * "States.ALL", which matches any error; or "States.TaskFailed", which matches any error except
 * "States.Timeout". Neither wildcard matches "States.Runtime" or "States.DataLimitExceeded", and
 * "States.Runtime" is never matched at all: AWS always fails the execution with it.
 */
export function matchesErrorEquals(errorEquals: readonly string[], error: string): boolean {
  if (error === StatesErrors.Runtime) return false;
  return errorEquals.some((name) => {
    if (name === error) return true;
    if (NOT_MATCHED_BY_WILDCARDS.has(error)) return false;
    if (name === StatesErrors.ALL) return true;
    return name === StatesErrors.TaskFailed && error !== StatesErrors.Timeout;
  });
}

/** Index of the first Retrier whose "ErrorEquals" matches `error`, or -1 (ASL: retriers are scanned in order). */
export function findRetrier(
  retriers: readonly { ErrorEquals: readonly string[] }[] | undefined,
  error: string,
): number {
  return (retriers ?? []).findIndex((r) => matchesErrorEquals(r.ErrorEquals, error));
}

/** Index of the first Catcher whose "ErrorEquals" matches `error`, or -1. */
export function findCatcher(
  catchers: readonly { ErrorEquals: readonly string[] }[] | undefined,
  error: string,
): number {
  return findRetrier(catchers, error);
}

/** True when a Retrier with "MaxAttempts" (default 3) still allows another retry after `attempt` retries. */
export function canRetry(retrier: { MaxAttempts?: number }, attempt: number): boolean {
  return attempt < (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS);
}

/**
 * Milliseconds to wait before retry number `attempt + 1` of a Retrier (`attempt` = retries this
 * Retrier already made in this state entry): "IntervalSeconds" × "BackoffRate"^attempt, capped
 * at "MaxDelaySeconds" when set; with "JitterStrategy": "FULL" a uniform value in [0, delay]
 * drawn from `random`. Rounded to whole milliseconds.
 */
export function retryDelayMs(retrier: RetrierTiming, attempt: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const backoff = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  let seconds = interval * Math.pow(backoff, attempt);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if ((retrier.JitterStrategy ?? DEFAULT_JITTER_STRATEGY) === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}

/** The error output a Catcher passes on (placed by its "ResultPath"): `{ "Error", "Cause" }`. */
export interface ErrorOutput {
  Error: string;
  Cause: string;
}

/** Builds a Catcher's error output from an ASL error name and cause. */
export function errorOutput(error: string, cause: string): ErrorOutput {
  return { Error: error, Cause: cause };
}
