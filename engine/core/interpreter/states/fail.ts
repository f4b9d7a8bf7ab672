import { StatesError, StatesErrors } from '../../errors';
import { readPath } from '../../paths';
import { emitEntered, isoNow, type StepResult } from '../guarded';
import { contextObject, type Scope, type StateDef } from '../scope';

/** Reads `ErrorPath`/`CausePath`; AWS requires the value to be a string. */
function stringAt(path: string, field: string, input: unknown, ctx: unknown): string {
  let value: unknown;
  try {
    value = readPath(path, input, ctx);
  } catch (err) {
    throw new StatesError(StatesErrors.Runtime, (err as Error).message);
  }
  if (typeof value !== 'string') {
    throw new StatesError(StatesErrors.Runtime, `The ${field} value at '${path}' must be a string`);
  }
  return value;
}

/** Fail: stops the execution with `Error`/`Cause` (or `ErrorPath`/`CausePath`). */
export async function runFail(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const error = state.ErrorPath !== undefined ? stringAt(state.ErrorPath, 'ErrorPath', input, ctx) : (state.Error ?? '');
  const cause = state.CausePath !== undefined ? stringAt(state.CausePath, 'CausePath', input, ctx) : (state.Cause ?? '');
  throw new StatesError(error, cause);
}
