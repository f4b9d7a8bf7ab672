import { StatesError, StatesErrors } from '../../errors';
import { evaluateIntrinsic, isIntrinsic } from '../../intrinsics';
import { evaluateTyped } from '../../jsonata';
import { PathNotFoundError, readPath } from '../../paths';
import { describeMissingParameterPath } from '../../payload-template';
import { emitEntered, isoNow, type StepResult } from '../guarded';
import { isJsonata, jsonataScope, variablesOf } from '../query-language';
import { contextObject, type Scope, type StateDef } from '../scope';

/**
 * Reads `ErrorPath`/`CausePath`: a Reference Path or a string-returning intrinsic over the state
 * input. A path that selects nothing fails with AWS's cause ("The JSONPath '$.x' specified for
 * the field 'ErrorPath' could not be found in the input '...'"); the value must be a string.
 */
function stringAt(expr: string, field: string, input: unknown, ctx: unknown, scope: Scope): string {
  const variables = variablesOf(scope);
  let value: unknown;
  try {
    value = isIntrinsic(expr)
      ? evaluateIntrinsic(expr, input, ctx, { random: () => scope.run.host.random() }, { variables })
      : readPath(expr, input, ctx, variables);
  } catch (err) {
    if (err instanceof PathNotFoundError) {
      throw new StatesError(StatesErrors.Runtime, describeMissingParameterPath(err.path, field, input));
    }
    throw err;
  }
  if (typeof value !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value of the field '${field}' must be a string, but '${expr}' is ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Fail: stops the execution (or branch) with `Error`/`Cause` (or `ErrorPath`/`CausePath`); in
 * JSONata, `Error` and `Cause` may be `{% %}` expressions that must return strings.
 */
export async function runFail(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  if (isJsonata(state, scope)) {
    const jsonata = jsonataScope(scope, { input, context: ctx });
    const error =
      state.Error === undefined ? '' : ((await evaluateTyped(state.Error, jsonata, 'Error', 'string')) as string);
    const cause =
      state.Cause === undefined ? '' : ((await evaluateTyped(state.Cause, jsonata, 'Cause', 'string')) as string);
    throw new StatesError(error, cause);
  }
  const error =
    state.ErrorPath !== undefined ? stringAt(state.ErrorPath, 'ErrorPath', input, ctx, scope) : (state.Error ?? '');
  const cause =
    state.CausePath !== undefined ? stringAt(state.CausePath, 'CausePath', input, ctx, scope) : (state.Cause ?? '');
  throw new StatesError(error, cause);
}
