import {
  evaluateTemplate,
  evaluateTyped,
  expressionText,
  isExpressionString,
  QueryEvaluationFailure,
  queryError,
  type JsonataScope,
} from '../../jsonata';
import type { StateDef } from '../scope';

/**
 * The array a JSONata Map iterates: `Items` (a literal array whose elements may be `{% %}`, or an
 * expression that must return an array), else the state input, which must then be an array
 * ("Map state input must be an array but was: 1", as AWS says).
 */
export async function jsonataItems(state: StateDef, input: unknown, scope: JsonataScope): Promise<unknown[]> {
  if (state.Items === undefined) {
    if (!Array.isArray(input))
      throw new QueryEvaluationFailure('Items', `Map state input must be an array but was: ${JSON.stringify(input)}`);
    return input;
  }
  return (await evaluateTyped(state.Items, scope, 'Items', 'array')) as unknown[];
}

async function numeric(
  template: unknown,
  field: string,
  scope: JsonataScope,
  decimals: boolean,
): Promise<number | undefined> {
  if (template === undefined) return undefined;
  const value = await evaluateTyped(template, scope, field, 'number');
  if (!decimals && !Number.isInteger(value)) {
    const text = isExpressionString(template) ? expressionText(template) : JSON.stringify(template);
    throw queryError(
      text,
      field,
      `returned an unexpected result. Expected an integer, but was: ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}

/**
 * The JSONata Map with its numeric fields (`MaxConcurrency`, `ToleratedFailureCount`,
 * `ToleratedFailurePercentage`, `ItemBatcher.MaxItemsPerBatch`/`MaxInputBytesPerBatch`) evaluated,
 * so the JSONPath configuration readers (which take literals as they are) apply unchanged.
 */
export async function resolvedMapFields(state: StateDef, scope: JsonataScope): Promise<StateDef> {
  const resolved: StateDef = {
    ...state,
    MaxConcurrency: await numeric(state.MaxConcurrency, 'MaxConcurrency', scope, false),
    ToleratedFailureCount: await numeric(state.ToleratedFailureCount, 'ToleratedFailureCount', scope, false),
    ToleratedFailurePercentage: await numeric(
      state.ToleratedFailurePercentage,
      'ToleratedFailurePercentage',
      scope,
      true,
    ),
  };
  if (state.ItemBatcher !== undefined) {
    const batcher = state.ItemBatcher as StateDef;
    resolved.ItemBatcher = {
      ...batcher,
      MaxItemsPerBatch: await numeric(batcher.MaxItemsPerBatch, 'ItemBatcher/MaxItemsPerBatch', scope, false),
      MaxInputBytesPerBatch: await numeric(
        batcher.MaxInputBytesPerBatch,
        'ItemBatcher/MaxInputBytesPerBatch',
        scope,
        false,
      ),
      BatchInput:
        batcher.BatchInput === undefined
          ? undefined
          : await evaluateTemplate(batcher.BatchInput, scope, 'ItemBatcher/BatchInput'),
    };
  }
  return resolved;
}
