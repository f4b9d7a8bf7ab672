import { StatesError, StatesErrors } from '../../errors';
import { parseTimestamp } from '../../choice';
import { inputPath, outputPath } from '../data-flow';
import { readField as read, shown } from '../path-fields';
import { emitEntered, emitExited, isoNow, transition, type StepResult } from '../guarded';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign, variablesOf } from '../query-language';
import { contextObject, type Scope, type StateDef } from '../scope';
import { jsonataWaitMs } from './wait-jsonata';

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

/** Wait: a durable timer, then the input passes through (`InputPath`/`OutputPath`, or JSONata `Output`); `Assign` reads the effective input. */
export async function runWait(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  if (isJsonata(state, scope)) {
    const jsonata = jsonataScope(scope, { input, context: ctx });
    const ms = await jsonataWaitMs(state, jsonata, scope.run.host.now());
    await scope.run.host.sleep(ms, scope.abort, !scope.run.recorder.keeps);
    scope.checkAbandoned();
    const produced = await jsonataOutput(state, jsonata, input);
    emitExited(scope, name, state, produced.output, produced.assigned);
    return transition(state, produced.output);
  }
  const variables = variablesOf(scope);
  const effective = inputPath(state.InputPath, input, ctx, variables);
  const ms = waitMs(state, effective, ctx, scope.run.host.now(), variables);
  const assigned = jsonPathAssign(state.Assign, effective, ctx, scope);
  await scope.run.host.sleep(ms, scope.abort, !scope.run.recorder.keeps);
  scope.checkAbandoned();
  const output = outputPath(state.OutputPath, effective, ctx, variables);
  emitExited(scope, name, state, output, assigned);
  return transition(state, output);
}
