import {
  BOOLEAN_OPERATORS,
  COMPARISON_OPERATORS,
  PATH_COMPARATORS,
  type DefinitionProblem,
} from '../../../schemas/asl';
import { isValidPath } from '../paths';
import { pathValueProblem, schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject } from './walk';

/**
 * JSONPath Choice rules: exactly one operator per rule; a comparison has a `Variable` (a valid
 * path) and an `And`/`Or`/`Not` has none; `…Path` operands are valid paths; top-level rules
 * have `Next`, nested ones must not.
 */

const OPERATORS: readonly string[] = [...COMPARISON_OPERATORS, ...BOOLEAN_OPERATORS];
const PATH_OPERANDS: ReadonlySet<string> = new Set(PATH_COMPARATORS);
const BOOLEANS: ReadonlySet<string> = new Set(BOOLEAN_OPERATORS);

function checkPath(rule: JsonObject, field: string, pointer: string): DefinitionProblem[] {
  const value = rule[field];
  if (typeof value !== 'string') return [];
  return [pathValueProblem(field, value, childPointer(pointer, field), isValidPath, 'JSONPath') ?? []].flat();
}

function checkRule(rule: JsonObject, pointer: string, topLevel: boolean): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const required: string[] = [];
  const operators = OPERATORS.filter((op) => rule[op] !== undefined);
  if (topLevel && rule.Next === undefined) required.push('Next');
  if (operators.length === 1 && !BOOLEANS.has(operators[0]!) && rule.Variable === undefined) required.push('Variable');
  if (required.length > 0) problems.push(schemaProblem(pointer, `These fields are required: [${required.join(', ')}]`));

  if (operators.length === 0) {
    problems.push(
      schemaProblem(
        pointer,
        "A Choice rule needs exactly one comparison operator (e.g. 'StringEquals') or 'And', 'Or', 'Not'",
      ),
    );
  } else if (operators.length > 1) {
    const found = operators.map((op) => `'${op}'`).join(', ');
    problems.push(schemaProblem(pointer, `A Choice rule needs exactly one comparison operator; found ${found}`));
  }
  if (!topLevel && rule.Next !== undefined) {
    problems.push(
      schemaProblem(childPointer(pointer, 'Next'), "Field 'Next' is only allowed on top-level Choice rules"),
    );
  }
  const combinator = operators.find((op) => BOOLEANS.has(op));
  if (combinator && operators.length === 1 && rule.Variable !== undefined) {
    problems.push(
      schemaProblem(childPointer(pointer, 'Variable'), `Field 'Variable' is not supported with '${combinator}'`),
    );
  }
  problems.push(...checkPath(rule, 'Variable', pointer));
  for (const op of operators) if (PATH_OPERANDS.has(op)) problems.push(...checkPath(rule, op, pointer));

  for (const field of ['And', 'Or'] as const) {
    const nested = rule[field];
    if (!Array.isArray(nested)) continue;
    nested.forEach((child, i) => {
      if (isJsonObject(child)) problems.push(...checkRule(child, childPointer(pointer, field, i), false));
    });
  }
  if (isJsonObject(rule.Not)) problems.push(...checkRule(rule.Not, childPointer(pointer, 'Not'), false));
  return problems;
}

/** Every problem of a Choice state's `Choices` (raw), recursively. */
export function checkChoiceRules(state: JsonObject, pointer: string): DefinitionProblem[] {
  if (!Array.isArray(state.Choices)) return [];
  return state.Choices.flatMap((rule, i) =>
    isJsonObject(rule) ? checkRule(rule, childPointer(pointer, 'Choices', i), true) : [],
  );
}
