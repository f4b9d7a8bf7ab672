import { selectChoice } from '../../choice';
import { inputPath, outputPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, type StepResult } from '../guarded';
import { contextObject, type Scope, type StateDef } from '../scope';

/** Choice: the first rule of `Choices` that matches names `Next`, else `Default`. */
export async function runChoice(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const effective = inputPath(state.InputPath, input, ctx);
  const next = selectChoice(state as unknown as Parameters<typeof selectChoice>[0], effective, ctx);
  const output = outputPath(state.OutputPath, effective, ctx);
  emitExited(scope, name, state, output);
  return { output, next };
}
