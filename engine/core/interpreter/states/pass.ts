import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, transition, type StepResult } from '../guarded';
import { contextObject, type Scope, type StateDef } from '../scope';

/** Pass: `Result` (or `Parameters` applied to the effective input) placed by `ResultPath`. */
export async function runPass(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const effective = inputPath(state.InputPath, input, ctx);
  const result = 'Result' in state ? state.Result : payloadTemplate(state.Parameters, effective, ctx, scope);
  const output = outputPath(state.OutputPath, resultPath(state.ResultPath, input, result), ctx);
  emitExited(scope, name, state, output);
  return transition(state, output);
}
