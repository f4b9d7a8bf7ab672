import { inputPath, outputPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, type StepResult } from '../guarded';
import { contextObject, type Scope, type StateDef } from '../scope';

/** Succeed: ends the (sub-)machine with its input, filtered by `InputPath` and `OutputPath`. */
export async function runSucceed(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const output = outputPath(state.OutputPath, inputPath(state.InputPath, input, ctx), ctx);
  emitExited(scope, name, state, output);
  return { output };
}
