import { inputPath, outputPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, type StepResult } from '../guarded';
import { isJsonata, jsonataOutput, jsonataScope, variablesOf } from '../query-language';
import { contextObject, type Scope, type StateDef } from '../scope';

/**
 * Succeed: ends the (sub-)machine with its input, filtered by `InputPath` and `OutputPath`
 * (JSONPath) or replaced by `Output` (JSONata).
 */
export async function runSucceed(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  if (isJsonata(state, scope)) {
    const { output } = await jsonataOutput(
      state,
      jsonataScope(scope, { input, context: ctx }),
      input,
      state.Output,
      undefined,
    );
    emitExited(scope, name, state, output);
    return { output };
  }
  const variables = variablesOf(scope);
  const output = outputPath(state.OutputPath, inputPath(state.InputPath, input, ctx, variables), ctx, variables);
  emitExited(scope, name, state, output);
  return { output };
}
