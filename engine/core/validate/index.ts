import {
  DefinitionProblemCodes,
  StateMachineDefinitionSchema,
  type DefinitionProblem,
  type StateMachineDefinition,
} from '../../../schemas/asl';
import { depthProblem } from './depth';
import { checkDuplicateLabels, checkDuplicateNames, checkScopeGraph } from './graph';
import { problemsFromIssues } from './issues';
import { checkJsonataState } from './jsonata';
import { checkJsonPathState } from './jsonpath';
import { checkAssigns, checkVariableScopes } from './variables';
import { checkState } from './states';
import { collectScopes, isJsonObject, machineLanguageOf } from './walk';

export { DefinitionProblemCodes, type DefinitionProblem } from '../../../schemas/asl';

/**
 * Every problem of an ASL state machine definition, at once (an empty list means valid), in
 * three passes whose order is stable (a document nested more than MAX_DEFINITION_DEPTH levels
 * deep gets that one problem instead, as the passes recurse):
 * 1. structure — the zod schema (`StateMachineDefinitionSchema`): required and unknown fields,
 *    types, enums, ranges, RFC 3339 timestamps;
 * 2. each state, in document order (nested machines after their state): cross-field rules
 *    (`Next` xor `End`, `X`/`XPath` twins, Wait's one-of-four, Heartbeat < Timeout,
 *    `States.ALL` placement, state name length, `QueryLanguage`), then, for JSONPath states,
 *    path and intrinsic syntax and Choice rule shape, for JSONata states their field matrix,
 *    expression syntax and `$states` availability (`validate-jsonata`), and `Assign` names;
 *    then variable shadowing across Parallel branches and Map processors;
 * 3. the graph: duplicate state names and Map labels, then per (sub-)machine dangling `StartAt`/`Next`/
 *    `Default`/Catch targets, a missing terminal state (top level) and unreachable states.
 * Problem codes mirror AWS's (`SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, …).
 */
export function validateDefinition(definition: unknown): DefinitionProblem[] {
  if (!isJsonObject(definition)) {
    return [
      {
        code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
        path: '',
        message: 'Definition must be a valid JSON object',
      },
    ];
  }
  // Every check below recurses: a document nested deeper than any real machine is refused first.
  const tooDeep = depthProblem(definition);
  if (tooDeep) return [tooDeep];
  const parsed = StateMachineDefinitionSchema.safeParse(definition);
  const problems = parsed.success ? [] : problemsFromIssues(definition, parsed.error.issues);

  const machineLanguage = machineLanguageOf(definition);
  const scopes = collectScopes(definition);
  for (const scope of scopes) {
    for (const visit of scope.states) {
      problems.push(...checkState(visit, machineLanguage));
      if (!isJsonObject(visit.state) || typeof visit.state.Type !== 'string') continue;
      if (visit.language === 'JSONPath') problems.push(...checkJsonPathState(visit.state, visit.pointer));
      if (visit.language === 'JSONata') problems.push(...checkJsonataState(visit.state, visit.pointer));
      problems.push(...checkAssigns(visit.state, visit.pointer, visit.language));
    }
  }
  problems.push(...checkVariableScopes(scopes));
  problems.push(...checkDuplicateNames(scopes), ...checkDuplicateLabels(scopes));
  for (const scope of scopes) problems.push(...checkScopeGraph(scope));
  return problems;
}

/** The result of {@link parseDefinition}: the typed definition when there are no problems. */
export interface ParsedDefinition {
  definition?: StateMachineDefinition;
  problems: DefinitionProblem[];
}

/**
 * Parses and validates a definition given as an object or a JSON string. A string that is not
 * JSON gives one `INVALID_JSON` problem at `""`. `definition` is set only when `problems` is
 * empty.
 */
export function parseDefinition(input: unknown): ParsedDefinition {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return {
        problems: [
          { code: DefinitionProblemCodes.INVALID_JSON, path: '', message: `Definition is not valid JSON: ${reason}` },
        ],
      };
    }
  }
  const problems = validateDefinition(raw);
  if (problems.length > 0) return { problems };
  // JSONata states carry `{% %}` strings where the (JSONPath) schema types numbers; validation
  // above checked them, so the definition is used as written.
  const hasJsonata = JSON.stringify(raw).includes('"JSONata"');
  return {
    definition: hasJsonata ? (raw as StateMachineDefinition) : StateMachineDefinitionSchema.parse(raw),
    problems,
  };
}
