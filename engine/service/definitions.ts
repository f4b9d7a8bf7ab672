import type { StateMachineDefinition } from '../../schemas/asl';
import { DefinitionProblemCodes, type DefinitionProblem } from '../../schemas/asl/problem';
import { parseDefinition } from '../core/validate';
import { expressChildProblems, expressProblems } from './express-rules';

/** A machine's type: the rules a definition must follow depend on it. */
export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** What checking a submitted definition found: the definition when it has no problem. */
export interface CheckedDefinition {
  definition?: StateMachineDefinition;
  problems: DefinitionProblem[];
}

/** True for JSON text (or a value) that is not an object: blank text, `[]`, `1`, `null`… */
function notAnObject(submitted: unknown): boolean {
  let value = submitted;
  if (typeof submitted === 'string') {
    if (submitted.trim() === '') return true;
    try {
      value = JSON.parse(submitted);
    } catch {
      return false; // not JSON at all: the parser's INVALID_JSON says so
    }
  }
  return typeof value !== 'object' || value === null || Array.isArray(value);
}

/**
 * Every problem of a submitted definition (JSON text or a parsed value) for a machine of `type`:
 * not an object; the language's rules (the core's validator); the rules of the type
 * (`express-rules.ts`; a Distributed Map's EXPRESS ItemProcessor follows the EXPRESS rules in a
 * machine of any type). CreateStateMachine, UpdateStateMachine and ValidateStateMachineDefinition
 * all check through here.
 */
export function checkDefinition(submitted: unknown, type: StateMachineType): CheckedDefinition {
  if (notAnObject(submitted)) {
    return {
      problems: [
        {
          code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
          path: '',
          message: 'Definition must be a valid JSON object',
        },
      ],
    };
  }
  const parsed = parseDefinition(submitted);
  if (!parsed.definition || parsed.problems.length > 0) return { problems: parsed.problems };
  const problems = type === 'EXPRESS' ? expressProblems(parsed.definition) : expressChildProblems(parsed.definition);
  return problems.length > 0 ? { problems } : { definition: parsed.definition, problems: [] };
}
