import { DefinitionProblemCodes, type DefinitionProblem } from '../../schemas/asl/problem';
import { childPointer, isJsonObject } from '../core/validate/walk';

/**
 * The rules only EXPRESS state machines have (AWS: Express workflows run at most five minutes
 * and at-most-once, so they cannot wait for a callback or a nested run): no `.sync` and no
 * `.waitForTaskToken` service integrations, no activities — in every state, nested Map and
 * Parallel states included. Called by the use cases with the machine's type; the core's
 * validator knows nothing of types.
 */
export function expressProblems(definition: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  walk(definition, '', problems, true);
  return problems;
}

/**
 * The same rules for the ItemProcessor of every Distributed Map whose children are EXPRESS
 * (`ProcessorConfig.ExecutionType: EXPRESS`), in a machine of any type: its children run as
 * EXPRESS executions do.
 */
export function expressChildProblems(definition: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  walk(definition, '', problems, false);
  return problems;
}

/** AWS's message (the trailing space is AWS's: a validation diagnostic ends with it). */
const unsupported = (what: string) => `Express state machine does not support ${what} `;

/**
 * Checks every Task of `machine` (nested ones included) when it runs as EXPRESS (`express`); else
 * looks for the EXPRESS ItemProcessors in it and checks those.
 */
function walk(machine: unknown, pointer: string, problems: DefinitionProblem[], express: boolean): void {
  if (!isJsonObject(machine) || !isJsonObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isJsonObject(state)) continue;
    const at = childPointer(pointer, 'States', name);
    if (express && state.Type === 'Task' && typeof state.Resource === 'string') {
      const resource = state.Resource;
      const pattern = /\.(sync(?::2)?|waitForTaskToken)$/.exec(resource)?.[1];
      const message = pattern
        ? unsupported(`'.${pattern.startsWith('sync') ? 'sync' : pattern}' service integration`)
        : /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)
          ? unsupported('activities')
          : undefined;
      if (message)
        problems.push({ code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED, path: `${at}/Resource`, message });
    }
    const processor = state.ItemProcessor;
    if (
      !express &&
      isJsonObject(processor) &&
      isJsonObject(processor.ProcessorConfig) &&
      processor.ProcessorConfig.ExecutionType === 'EXPRESS'
    )
      walk(processor, `${at}/ItemProcessor`, problems, true);
    else
      for (const field of ['ItemProcessor', 'Iterator'] as const)
        walk(state[field], `${at}/${field}`, problems, express);
    if (Array.isArray(state.Branches))
      state.Branches.forEach((b, i) => walk(b, `${at}/Branches/${i}`, problems, express));
  }
}
