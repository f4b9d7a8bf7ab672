import type { DefinitionProblem } from '../../../schemas/asl';
import { variableNameProblem } from '../variables';
import { checkTemplate } from './jsonpath';
import { schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject, type ScopeVisit } from './walk';

/**
 * Definition-time rules of workflow variables (`Assign`, both query languages): valid names
 * (no sub-paths such as `x.y`, not `states`, at most 80 characters); JSONPath `Assign` templates
 * inside Catchers and Choice rules; `Assign` only on top-level Choice rules; and no shadowing —
 * a Parallel branch or Map iteration cannot assign a name its enclosing scopes assign.
 */

/** Every `Assign` object of a raw state with its pointer: the state's, its catchers', its Choice rules'. */
export function assignsOf(state: JsonObject, pointer: string): Array<{ assign: JsonObject; pointer: string }> {
  const found: Array<{ assign: JsonObject; pointer: string }> = [];
  if (isJsonObject(state.Assign)) found.push({ assign: state.Assign, pointer: childPointer(pointer, 'Assign') });
  for (const field of ['Catch', 'Choices'] as const) {
    const list = state[field];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (isJsonObject(item) && isJsonObject(item.Assign))
        found.push({ assign: item.Assign, pointer: childPointer(pointer, field, i, 'Assign') });
    });
  }
  return found;
}

/** The variable name an `Assign` key sets (`name.$` in JSONPath sets `name`). */
function nameOf(key: string, language: string): string {
  return language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
}

/** Names, nested-rule placement and (JSONPath) template syntax of one state's `Assign` fields. */
export function checkAssigns(state: JsonObject, pointer: string, language: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const { assign, pointer: at } of assignsOf(state, pointer)) {
    for (const key of Object.keys(assign)) {
      const problem = variableNameProblem(nameOf(key, language));
      if (problem) problems.push(schemaProblem(childPointer(at, key), problem));
    }
    // The state's own JSONPath `Assign` is checked with its other templates.
    if (language === 'JSONPath' && at !== childPointer(pointer, 'Assign')) problems.push(...checkTemplate(assign, at));
  }
  return problems;
}

function assignedNames(scope: ScopeVisit): Map<string, string> {
  const names = new Map<string, string>();
  for (const visit of scope.states) {
    if (!isJsonObject(visit.state)) continue;
    for (const { assign, pointer } of assignsOf(visit.state, visit.pointer)) {
      for (const key of Object.keys(assign)) {
        const name = nameOf(key, visit.language);
        if (!names.has(name)) names.set(name, childPointer(pointer, key));
      }
    }
  }
  return names;
}

/**
 * Shadowing: a name assigned inside a Parallel branch or Map processor must not be assigned by
 * any enclosing scope (inner scopes read outer variables but cannot assign them).
 */
export function checkVariableScopes(scopes: ScopeVisit[]): DefinitionProblem[] {
  const names = new Map(scopes.map((scope) => [scope, assignedNames(scope)]));
  const problems: DefinitionProblem[] = [];
  for (const inner of scopes) {
    if (inner.topLevel) continue;
    const outers = scopes.filter(
      (outer) => outer !== inner && (outer.topLevel || inner.pointer.startsWith(`${outer.pointer}/`)),
    );
    for (const [name, pointer] of names.get(inner)!) {
      if (outers.some((outer) => names.get(outer)!.has(name))) {
        problems.push(
          schemaProblem(
            pointer,
            `The variable '${name}' is assigned in an enclosing scope; a Parallel branch or Map iteration cannot assign it`,
          ),
        );
      }
    }
  }
  return problems;
}
