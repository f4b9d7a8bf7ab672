import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, transition, type StepResult } from '../guarded';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign, variablesOf } from '../query-language';
import { contextObject, type Scope, type StateDef } from '../scope';

/**
 * Pass: JSONPath — `Result` (or `Parameters` applied to the effective input) placed by
 * `ResultPath`, `Assign` reading that result as `$`; JSONata — `Output` (default: the input) and
 * `Assign`.
 */
export async function runPass(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  if (isJsonata(state, scope)) {
    const produced = await jsonataOutput(state, jsonataScope(scope, { input, context: ctx }), input);
    emitExited(scope, name, state, produced.output, produced.assigned);
    return transition(state, produced.output);
  }
  const variables = variablesOf(scope);
  const effective = inputPath(state.InputPath, input, ctx, variables);
  const result = 'Result' in state ? state.Result : payloadTemplate(state.Parameters, effective, ctx, scope);
  const assigned = jsonPathAssign(state.Assign, result, ctx, scope);
  const output = outputPath(state.OutputPath, resultPath(state.ResultPath, input, result), ctx, variables);
  emitExited(scope, name, state, output, assigned);
  return transition(state, output);
}
