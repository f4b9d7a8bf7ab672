import { StatesError, StatesErrors } from '../../errors';
import { parseTimestamp } from '../../choice';
import { readField as read, shown } from '../path-fields';
import type { StateDef } from '../scope';

/** Epoch ms of an RFC 3339 timestamp as ASL accepts it (uppercase `T`, `Z` or an offset), or undefined. */
function timestampMs(value: unknown): number | undefined {
  const parsed = parseTimestamp(value);
  return parsed && parsed[0] * 1000 + Math.floor(parsed[1] / 1e6);
}

function secondsAt(path: string, effective: unknown, ctx: unknown, variables?: Record<string, unknown>): number {
  const seconds = read(path, effective, ctx, variables);
  const where = `${path} == ${shown(seconds)}`;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
    throw new StatesError(StatesErrors.Runtime, `The SecondsPath parameter cannot be parsed as a long value: ${where}`);
  }
  if (seconds < 0)
    throw new StatesError(StatesErrors.Runtime, `The SecondsPath parameter references a negative value: ${where}`);
  return seconds;
}

/**
 * Milliseconds to wait for `Seconds`, `SecondsPath` (a non-negative integer), `Timestamp` or
 * `TimestampPath` (RFC 3339; a time in the past waits 0), with AWS's causes for bad values.
 */
export function waitMs(
  state: StateDef,
  effective: unknown,
  ctx: unknown,
  now: number,
  variables?: Record<string, unknown>,
): number {
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.SecondsPath !== undefined) return secondsAt(state.SecondsPath, effective, ctx, variables) * 1000;
  const stamp =
    state.TimestampPath === undefined ? state.Timestamp : read(state.TimestampPath, effective, ctx, variables);
  const at = timestampMs(stamp);
  if (at === undefined) {
    const field = state.TimestampPath === undefined ? 'Timestamp' : 'TimestampPath';
    const where = state.TimestampPath === undefined ? shown(stamp) : `${state.TimestampPath} == ${shown(stamp)}`;
    throw new StatesError(
      StatesErrors.Runtime,
      `The ${field} parameter does not reference a valid ISO-8601 extended offset date-time format string: ${where}`,
    );
  }
  return Math.max(0, at - now);
}
