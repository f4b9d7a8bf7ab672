import { parseTimestamp } from '../../choice';
import {
  evaluateTyped,
  expressionText,
  isExpressionString,
  queryError,
  QueryEvaluationFailure,
  type JsonataScope,
} from '../../jsonata';
import type { StateDef } from '../scope';

/**
 * Milliseconds a JSONata Wait state waits: `Seconds` (a non-negative integer, literal or
 * `{% %}`) or `Timestamp` (RFC 3339, literal or `{% %}`; a time in the past waits 0). A bad value
 * fails with `States.QueryEvaluationError` and AWS's cause, e.g. "The Timestamp field cannot be
 * parsed as an ISO-8601 extended offset date-time format string: 2016-12-05T21:29:29".
 */
export async function jsonataWaitMs(state: StateDef, scope: JsonataScope, now: number): Promise<number> {
  if (state.Seconds !== undefined) {
    const seconds = await evaluateTyped(state.Seconds, scope, 'Seconds', 'number');
    if (!Number.isInteger(seconds) || (seconds as number) < 0) {
      const text = isExpressionString(state.Seconds) ? expressionText(state.Seconds) : JSON.stringify(state.Seconds);
      throw queryError(
        text,
        'Seconds',
        `returned an unexpected result. Expected a non-negative integer, but was: ${JSON.stringify(seconds)}`,
      );
    }
    return (seconds as number) * 1000;
  }
  const stamp = await evaluateTyped(state.Timestamp, scope, 'Timestamp', 'string');
  const parsed = parseTimestamp(stamp);
  if (!parsed) {
    throw new QueryEvaluationFailure(
      'Timestamp',
      `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${String(stamp)}`,
    );
  }
  return Math.max(0, parsed[0] * 1000 + Math.floor(parsed[1] / 1e6) - now);
}
