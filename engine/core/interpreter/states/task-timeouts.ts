import { evaluateTyped, expressionText, isExpressionString, queryError, type JsonataScope } from '../../jsonata';
import type { StateDef } from '../scope';

/** A Task's resolved `TimeoutSeconds` and `HeartbeatSeconds` (undefined: not set). */
export interface Timeouts {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

async function positiveSeconds(
  state: StateDef,
  field: 'TimeoutSeconds' | 'HeartbeatSeconds',
  scope: JsonataScope,
): Promise<number | undefined> {
  const template = state[field];
  if (template === undefined) return undefined;
  const value = await evaluateTyped(template, scope, field, 'number');
  if (!Number.isInteger(value) || (value as number) <= 0) {
    const text = isExpressionString(template) ? expressionText(template) : JSON.stringify(template);
    throw queryError(
      text,
      field,
      `returned an unexpected result. Expected a positive integer, but was: ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}

/**
 * A JSONata Task's `TimeoutSeconds` and `HeartbeatSeconds`: literal positive integers or `{% %}`
 * expressions returning one (`States.QueryEvaluationError` otherwise).
 */
export async function jsonataTimeouts(state: StateDef, scope: JsonataScope): Promise<Timeouts> {
  return {
    timeoutSeconds: await positiveSeconds(state, 'TimeoutSeconds', scope),
    heartbeatSeconds: await positiveSeconds(state, 'HeartbeatSeconds', scope),
  };
}
