import { type StatesError } from '../errors';
import { evaluateTemplate, QueryEvaluationFailure, type JsonataScope, type StatesVariable } from '../jsonata';
import { evaluateJsonataAssign, evaluateJsonPathAssign, type Assignment } from '../variables';
import type { Scope, StateDef } from './scope';

/** The ASL `QueryLanguage` that makes a state's fields JSONata templates. */
export const JSONATA = 'JSONata';

/**
 * True when `state` is written in JSONata: its own `QueryLanguage`, else the machine's (a
 * compiled plan writes it on every state; a raw definition inherits the top level's).
 */
export function isJsonata(state: StateDef, scope: Scope): boolean {
  return (state.QueryLanguage ?? scope.run.queryLanguage) === JSONATA;
}

/** What a state produced: its output and the variables it assigns (committed when it exits). */
export interface Produced {
  output: unknown;
  assigned?: Assignment;
}

/** The variables a state reads: every one visible in its branch, as of state entry. */
export function variablesOf(scope: Scope): Record<string, unknown> {
  return scope.variables.visible();
}

/** The JSONata evaluation scope of a state: `$states`, the variables, the host's clock and randomness. */
export function jsonataScope(
  scope: Scope,
  states: StatesVariable,
  variables: Record<string, unknown> = variablesOf(scope),
): JsonataScope {
  return { states, variables, host: scope.run.host };
}

/**
 * A JSONata state's `Output` (default: `fallback`, i.e. the state input, or the result of a
 * Task/Parallel/Map) and `Assign`, both from the same values as of state entry.
 */
export async function jsonataOutput(
  state: StateDef,
  scope: JsonataScope,
  fallback: unknown,
  output = state.Output,
  assign = state.Assign,
): Promise<Produced> {
  const value = output === undefined ? fallback : await evaluateTemplate(output, scope, 'Output');
  const assigned = assign === undefined ? undefined : await evaluateJsonataAssign(assign, scope);
  return { output: value, assigned };
}

/**
 * A JSONPath state's `Assign` (if any), where `$` is `data` (see evaluateJsonPathAssign) and
 * `$$` the context object.
 */
export function jsonPathAssign(assign: unknown, data: unknown, ctx: unknown, scope: Scope): Assignment | undefined {
  if (assign === undefined) return undefined;
  return evaluateJsonPathAssign(assign as Record<string, unknown>, data, ctx, variablesOf(scope), {
    random: () => scope.run.host.random(),
  });
}

/**
 * Turns a JSONata evaluation failure of state `name` into the error AWS reports: the cause
 * prefixed with the state and its entered event, after an `EvaluationFailed` event (chained, as
 * AWS chains it, to the event before `…StateEntered`). Other errors pass through.
 */
export function locateEvaluationFailure(
  err: unknown,
  name: string,
  scope: Scope,
  located: (cause: string) => StatesError,
): unknown {
  if (!(err instanceof QueryEvaluationFailure)) return err;
  const active = scope.current;
  if (!active || active.name !== name) return err;
  const cause = `An error occurred while executing the state '${name}' (entered at the event id #${active.enteredId}). ${err.cause}`;
  scope.lastEventId = scope.run.recorder.emit(
    'EvaluationFailed',
    active.enteredPreviousId ?? scope.lastEventId,
    'evaluationFailedEventDetails',
    {
      cause,
      error: err.error,
      location: err.location,
      state: name,
    },
  );
  return located(cause);
}
