import { StatesError, StatesErrors } from '../../errors';
import { readPath } from '../../paths';
import { inputPath, outputPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, transition, type StepResult } from '../guarded';
import { contextObject, type Scope, type StateDef } from '../scope';

/** Reads a `…Path` field of a Wait state, mapping a missing value to `States.Runtime`. */
function read(path: string, input: unknown, ctx: unknown): unknown {
  try {
    return readPath(path, input, ctx);
  } catch (err) {
    throw new StatesError(StatesErrors.Runtime, (err as Error).message);
  }
}

/** Milliseconds to wait for `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`. */
export function waitMs(state: StateDef, effective: unknown, ctx: unknown, now: number): number {
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.SecondsPath !== undefined) {
    const seconds = read(state.SecondsPath, effective, ctx);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The SecondsPath parameter does not reference a valid non-negative integer: ${JSON.stringify(seconds)}`,
      );
    }
    return seconds * 1000;
  }
  const stamp = state.Timestamp ?? read(state.TimestampPath, effective, ctx);
  const at = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  if (Number.isNaN(at)) {
    throw new StatesError(
      StatesErrors.Runtime,
      `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${JSON.stringify(stamp)}`,
    );
  }
  return Math.max(0, at - now);
}

/** Wait: a durable timer, then the input passes through (`InputPath`/`OutputPath`). */
export async function runWait(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const effective = inputPath(state.InputPath, input, ctx);
  const ms = waitMs(state, effective, ctx, scope.run.host.now());
  await scope.run.host.sleep(ms, scope.run.recorder.takePending());
  scope.checkAbandoned();
  const output = outputPath(state.OutputPath, effective, ctx);
  emitExited(scope, name, state, output);
  return transition(state, output);
}
