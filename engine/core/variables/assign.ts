import type { IntrinsicEnv } from '../intrinsics';
import { evaluateTemplate, type JsonataScope } from '../jsonata';
import { applyPayloadTemplate } from '../payload-template';
import { checkAssignSize } from './limits';
import type { VariableScope } from './scope';

/** The values one `Assign` computed, and their JSON texts (as history events carry them). */
export interface Assignment {
  values: Record<string, unknown>;
  serialised: Record<string, string>;
}

function assignment(values: Record<string, unknown>): Assignment {
  const serialised: Record<string, string> = {};
  for (const [name, value] of Object.entries(values))
    serialised[name] = JSON.stringify(value === undefined ? null : value);
  return { values, serialised };
}

/**
 * A JSONPath state's `Assign`: a payload template whose `name.$` keys take a path (`$…` the
 * state's data, `$$…` the context object, `$var…` a variable) or an intrinsic, and whose other
 * keys are literals (strings that look like paths or `{% %}` included). `data` is what `$` means
 * for the state: the raw result (Task, Parallel, Map), the Pass result, the effective input
 * (Choice, Wait) or the error output (Catch).
 */
export function evaluateJsonPathAssign(
  assign: Record<string, unknown>,
  data: unknown,
  context: unknown,
  variables: Record<string, unknown>,
  env: IntrinsicEnv,
): Assignment {
  return assignment(applyPayloadTemplate(assign, data, context, env, variables) as Record<string, unknown>);
}

/**
 * A JSONata state's `Assign`: each value is a JSONata template evaluated against `$states` and the
 * variables as of state entry (so `Assign` can swap two variables); causes name the field
 * `Assign/<name>`.
 */
export async function evaluateJsonataAssign(assign: Record<string, unknown>, scope: JsonataScope): Promise<Assignment> {
  const values: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(assign))
    values[name] = await evaluateTemplate(template, scope, `Assign/${name}`);
  return assignment(values);
}

/**
 * Stores an assignment in `scope` once the state has computed everything else, after checking
 * Step Functions' size limits (`States.DataLimitExceeded`).
 */
export function commitAssignment(scope: VariableScope, stateName: string, assigned: Assignment): void {
  checkAssignSize(stateName, assigned.serialised);
  scope.assign(assigned.values, assigned.serialised);
}

/**
 * The `StateExited` details of an assignment, as AWS records them: `assignedVariables` (name →
 * serialised JSON) and `assignedVariablesDetails`; nothing when the state assigned nothing.
 */
export function assignedVariablesDetails(assigned: Assignment | undefined): {
  assignedVariables?: Record<string, string>;
  assignedVariablesDetails?: { truncated: boolean };
} {
  if (!assigned || Object.keys(assigned.serialised).length === 0) return {};
  return { assignedVariables: { ...assigned.serialised }, assignedVariablesDetails: { truncated: false } };
}
