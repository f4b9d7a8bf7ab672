import type { StateMachineDefinition } from '../../schemas/asl';
import { compilePlan } from '../core/compile';
import { DefinitionProblemCodes, validateDefinition } from '../core/validate';
import type { StateDef } from '../core/interpreter/scope';
import { DomainError } from './errors';
import { isJsonObject } from '../core/validate/walk';

/** The name TestState gives a lone state definition (AWS cites it: `/States/StateName/…`). */
export const SINGLE_STATE_NAME = 'StateName';

/** The state under test, found in (validated and compiled with) its machine. */
export interface SelectedState {
  name: string;
  state: StateDef;
  /** True when the state's effective `QueryLanguage` (its own, else the machine's) is JSONata. */
  jsonata: boolean;
}

/** Every state a transition of `state` names: `Next`, `Default`, Choice rules' and catchers' `Next`. */
function transitionTargets(state: Record<string, unknown>): string[] {
  const targets: unknown[] = [state.Next, state.Default];
  for (const list of [state.Choices, state.Catch])
    if (Array.isArray(list)) for (const item of list) targets.push(isJsonObject(item) ? item.Next : undefined);
  return targets.filter((t): t is string => typeof t === 'string');
}

/**
 * A lone state as a machine the validator accepts: the state named SINGLE_STATE_NAME (or
 * `name`), and a `Succeed` stand-in for every state it may transition to (TestState runs one
 * state; where it goes next is only reported).
 */
export function machineOfState(state: Record<string, unknown>, name = SINGLE_STATE_NAME): Record<string, unknown> {
  const states: Record<string, unknown> = { [name]: state };
  for (const target of transitionTargets(state)) if (!(target in states)) states[target] = { Type: 'Succeed' };
  return { StartAt: name, States: states };
}

/** Finds state `name` in a machine, nested ones included (Parallel branches, Map processors). */
function findState(machine: Record<string, unknown>, name: string): StateDef | undefined {
  const states = isJsonObject(machine.States) ? machine.States : {};
  if (isJsonObject(states[name])) return states[name] as StateDef;
  for (const state of Object.values(states)) {
    if (!isJsonObject(state)) continue;
    const nested = [...(Array.isArray(state.Branches) ? state.Branches : []), state.ItemProcessor, state.Iterator];
    for (const sub of nested) {
      const found = isJsonObject(sub) ? findState(sub, name) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Parses and validates TestState's `definition`: a lone state (validated wrapped in a one-state
 * machine), or a whole machine with `stateName` naming the state to test (default `StartAt`).
 * Problems are `InvalidDefinition`; an unknown `stateName` is a validation error, as in AWS.
 */
export function selectState(definitionText: string, stateName?: string): SelectedState {
  let raw: unknown;
  try {
    raw = JSON.parse(definitionText);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DomainError('INVALID_DEFINITION', 'Invalid State Machine Definition', [
      { code: DefinitionProblemCodes.INVALID_JSON, path: '', message: `Definition is not valid JSON: ${reason}` },
    ]);
  }
  if (!isJsonObject(raw)) {
    throw new DomainError('INVALID_DEFINITION', 'Invalid State Machine Definition', [
      {
        code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
        path: '',
        message: 'Definition must be a valid JSON object',
      },
    ]);
  }
  const isMachine = 'States' in raw || 'StartAt' in raw;
  const machine = isMachine ? raw : machineOfState(raw, stateName ?? SINGLE_STATE_NAME);
  const problems = validateDefinition(machine);
  if (problems.length > 0) throw new DomainError('INVALID_DEFINITION', 'Invalid State Machine Definition', problems);
  const name = isMachine ? (stateName ?? String(machine.StartAt)) : (stateName ?? SINGLE_STATE_NAME);
  // Compiled as an execution's plan is: every state's `QueryLanguage` resolved.
  const plan = compilePlan(machine as unknown as StateMachineDefinition);
  const state = findState(plan.definition as unknown as Record<string, unknown>, name);
  if (!state) throw new DomainError('VALIDATION_FAILED', 'State not found in definition');
  return { name, state, jsonata: state.QueryLanguage === 'JSONata' };
}
