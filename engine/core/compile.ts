import {
  DEFAULT_QUERY_LANGUAGE,
  type QueryLanguage,
  type State,
  type StateMachineDefinition,
  type SubMachine,
} from '../../schemas/asl';
import { PLAN_VERSION, type Plan } from '../../schemas/plan';

/**
 * Compiles a definition that `validateDefinition` accepted into the plan the workflow runs.
 * Plan version 1 is the definition with `QueryLanguage` resolved: the machine's value (default
 * "JSONPath") is written on the machine and on every state that does not set its own, at every
 * depth. A state's own `QueryLanguage` applies to that state only: the states inside a Map's
 * `ItemProcessor` or a Parallel's `Branches` inherit the machine's language, not their parent
 * state's (as AWS resolves it). Pure: the input is not modified.
 */
export function compilePlan(definition: StateMachineDefinition): Plan {
  const machineLanguage = definition.QueryLanguage ?? DEFAULT_QUERY_LANGUAGE;
  const states = resolveStates(definition.States, machineLanguage);
  return {
    planVersion: PLAN_VERSION,
    definition: { ...definition, QueryLanguage: machineLanguage, States: states },
  };
}

function resolveStates(states: Record<string, State>, machineLanguage: QueryLanguage): Record<string, State> {
  const resolved: Record<string, State> = {};
  for (const [name, state] of Object.entries(states)) {
    resolved[name] = resolveState(state, machineLanguage);
  }
  return resolved;
}

function resolveSubMachine<M extends SubMachine>(machine: M, machineLanguage: QueryLanguage): M {
  return { ...machine, States: resolveStates(machine.States, machineLanguage) };
}

function resolveState(state: State, machineLanguage: QueryLanguage): State {
  const QueryLanguage = state.QueryLanguage ?? machineLanguage;
  switch (state.Type) {
    case 'Parallel':
      return {
        ...state,
        QueryLanguage,
        Branches: state.Branches.map((branch) => resolveSubMachine(branch, machineLanguage)),
      };
    case 'Map':
      return {
        ...state,
        QueryLanguage,
        ...(state.ItemProcessor && { ItemProcessor: resolveSubMachine(state.ItemProcessor, machineLanguage) }),
        ...(state.Iterator && { Iterator: resolveSubMachine(state.Iterator, machineLanguage) }),
      };
    default:
      return { ...state, QueryLanguage };
  }
}
