import { StatesError, StatesErrors } from '../../errors';
import { evaluateChoiceRule, NO_CHOICE_MATCHED_CAUSE, type ChoiceRule } from '../../choice';
import { evaluateTyped, type JsonataScope } from '../../jsonata';
import { inputPath, outputPath } from '../data-flow';
import { emitEntered, emitExited, isoNow, type StepResult } from '../guarded';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign, variablesOf } from '../query-language';
import { contextObject, type Scope, type StateDef } from '../scope';

/** The first rule of `Choices` that matches, or undefined. */
async function firstMatch(
  rules: ChoiceRule[],
  matches: (rule: ChoiceRule, index: number) => Promise<boolean>,
): Promise<ChoiceRule | undefined> {
  for (let i = 0; i < rules.length; i++) if (await matches(rules[i]!, i)) return rules[i];
  return undefined;
}

/** Where no matching rule leads: `Default`, else `States.NoChoiceMatched`. */
function fallback(state: StateDef): string {
  if (state.Default !== undefined) return state.Default as string;
  throw new StatesError(StatesErrors.NoChoiceMatched, NO_CHOICE_MATCHED_CAUSE);
}

/** A JSONata rule's `Condition`: `true`/`false`, or an expression that must return a boolean. */
async function condition(rule: ChoiceRule, index: number, scope: JsonataScope): Promise<boolean> {
  return (await evaluateTyped(rule.Condition, scope, `Choices/${index}/Condition`, 'boolean')) === true;
}

/**
 * Choice: the first rule of `Choices` that matches names `Next`, else `Default`. A matching rule's
 * `Assign` (and, in JSONata, `Output`) replaces the state's own; JSONPath `Assign` reads the
 * effective input as `$`.
 */
export async function runChoice(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  emitEntered(scope, name, state, input);
  const rules = state.Choices as ChoiceRule[];
  if (isJsonata(state, scope)) {
    const jsonata = jsonataScope(scope, { input, context: ctx });
    const rule = await firstMatch(rules, (r, i) => condition(r, i, jsonata));
    const next = rule ? (rule.Next as string) : fallback(state);
    const produced = await jsonataOutput(
      state,
      jsonata,
      input,
      rule?.Output ?? state.Output,
      rule?.Assign ?? state.Assign,
    );
    emitExited(scope, name, state, produced.output, produced.assigned);
    return { output: produced.output, next };
  }
  const variables = variablesOf(scope);
  const effective = inputPath(state.InputPath, input, ctx, variables);
  // Synchronous on purpose: an extra await would change how concurrent branches interleave (replay).
  const rule = rules.find((r) => evaluateChoiceRule(r, effective, ctx, variables));
  const next = rule ? (rule.Next as string) : fallback(state);
  const assigned = jsonPathAssign(rule?.Assign ?? state.Assign, effective, ctx, scope);
  const output = outputPath(state.OutputPath, effective, ctx, variables);
  emitExited(scope, name, state, output, assigned);
  return { output, next };
}
