import { NO_CHOICE_MATCHED_CAUSE, type ChoiceRule } from '../core/choice';
import { StatesError, StatesErrors } from '../core/errors';
import type { StateDef } from '../core/interpreter/scope';
import { jsonataItems, resolvedMapFields } from '../core/interpreter/states/map-jsonata';
import { jsonataTimeouts } from '../core/interpreter/states/task-timeouts';
import { jsonataWaitMs } from '../core/interpreter/states/wait-jsonata';
import { evaluateTemplate, evaluateTyped, type JsonataScope, type StatesVariable } from '../core/jsonata';
import { errorOutput } from '../core/retry';
import { evaluateJsonataAssign } from '../core/variables';
import {
  checkTolerance,
  mockedResult,
  nextOf,
  type Produced,
  type Rule,
  type StateBody,
  type TestedState,
} from './test-state-run';

/** The evaluation scope of the state: `$states` (input, context, and `result`/`errorOutput` when known) and the variables. */
function scopeOf(t: TestedState, extra: Partial<StatesVariable> = {}): JsonataScope {
  return { states: { input: t.input, context: t.context, ...extra }, variables: t.variables, host: t.host };
}

/** `Output` (default `fallback`) and `Assign`, from the same `$states`. */
async function outputOf(scope: JsonataScope, fallback: unknown, output: unknown, assign: unknown): Promise<Produced> {
  const value = output === undefined ? fallback : await evaluateTemplate(output, scope, 'Output');
  const assigned =
    assign === undefined ? undefined : await evaluateJsonataAssign(assign as Record<string, unknown>, scope);
  return { output: value, assigned };
}

/** `Output`/`Assign` of a state that ends with `Next`/`End`. */
async function transition(t: TestedState, scope: JsonataScope, fallback: unknown): Promise<Produced> {
  return { ...(await outputOf(scope, fallback, t.state.Output, t.state.Assign)), next: nextOf(t.state) };
}

/** `Arguments` (when given, recorded as `afterArguments`), else the input. */
async function argumentsOf(
  t: TestedState,
  record: boolean,
  inspection: { afterArguments?: unknown },
): Promise<unknown> {
  if (t.state.Arguments === undefined) return t.input;
  const args = await evaluateTemplate(t.state.Arguments, scopeOf(t), 'Arguments');
  if (record) inspection.afterArguments = args;
  return args;
}

const pass: StateBody = async (t) => transition(t, scopeOf(t), t.input);

/** Task: `Arguments` → the function (or mock) → `Output`/`Assign` with `$states.result`. */
const task: StateBody = async (t, inspection) => {
  const args = await argumentsOf(t, true, inspection);
  const { timeoutSeconds } = await jsonataTimeouts(t.state, scopeOf(t));
  const result = t.mock ? mockedResult(t) : await t.invoke(t.state, args, timeoutSeconds);
  inspection.result = result;
  return transition(t, scopeOf(t, { result }), result);
};

/** Choice: the first rule whose `Condition` is true (its `Output`/`Assign` replace the state's), else `Default`. */
const choice: StateBody = async (t) => {
  const scope = scopeOf(t);
  const rules = t.state.Choices as ChoiceRule[];
  let rule: ChoiceRule | undefined;
  for (let i = 0; i < rules.length && !rule; i++) {
    if ((await evaluateTyped(rules[i]!.Condition, scope, `Choices/${i}/Condition`, 'boolean')) === true)
      rule = rules[i];
  }
  const next = (rule?.Next ?? t.state.Default) as string | undefined;
  if (next === undefined) throw new StatesError(StatesErrors.NoChoiceMatched, NO_CHOICE_MATCHED_CAUSE);
  return { ...(await outputOf(scope, t.input, rule?.Output ?? t.state.Output, rule?.Assign ?? t.state.Assign)), next };
};

/** Wait: `Seconds`/`Timestamp` are evaluated and checked, not waited for. */
const wait: StateBody = async (t) => {
  const scope = scopeOf(t);
  await jsonataWaitMs(t.state, scope, t.host.now());
  return transition(t, scope, t.input);
};

const succeed: StateBody = async (t) => {
  const { output } = await outputOf(scopeOf(t), t.input, t.state.Output, undefined);
  return { output };
};

/** Fail: `Error` and `Cause`, literal or expressions returning strings. */
const fail: StateBody = async (t) => {
  const scope = scopeOf(t);
  const error =
    t.state.Error === undefined ? '' : ((await evaluateTyped(t.state.Error, scope, 'Error', 'string')) as string);
  const cause =
    t.state.Cause === undefined ? '' : ((await evaluateTyped(t.state.Cause, scope, 'Cause', 'string')) as string);
  throw new StatesError(error, cause);
};

/** Parallel (mocked): `Arguments` evaluated, the mock as the branches' result, then `Output`/`Assign`. */
const parallel: StateBody = async (t, inspection) => {
  await argumentsOf(t, false, inspection);
  const result = mockedResult(t);
  return transition(t, scopeOf(t, { result }), result);
};

/**
 * Map (mocked): `Items` (or the reader's `mapItemReaderData`), the evaluated `MaxConcurrency`
 * and tolerance (recorded), the mock as the iterations' result, then `Output`/`Assign`.
 */
const map: StateBody = async (t, inspection) => {
  const scope = scopeOf(t);
  const reader = t.config.mapItemReaderData;
  const items =
    t.state.ItemReader !== undefined
      ? Array.isArray(reader)
        ? reader
        : []
      : await jsonataItems(t.state, t.input, scope);
  const config: StateDef = await resolvedMapFields(t.state, scope);
  if (config.ToleratedFailureCount !== undefined) inspection.toleratedFailureCount = config.ToleratedFailureCount;
  if (config.ToleratedFailurePercentage !== undefined)
    inspection.toleratedFailurePercentage = config.ToleratedFailurePercentage;
  inspection.maxConcurrency = config.MaxConcurrency ?? 0;
  const result = mockedResult(t);
  checkTolerance(t, config, t.input, items.length);
  return transition(t, scopeOf(t, { result }), result);
};

/** The JSONata body of each state type. */
export const JSONATA_BODIES: Record<string, StateBody> = {
  Pass: pass,
  Task: task,
  Choice: choice,
  Wait: wait,
  Succeed: succeed,
  Fail: fail,
  Parallel: parallel,
  Map: map,
};

/** A JSONata catcher's output: its `Output` (default the error output) and `Assign`, with `$states.errorOutput`. */
export async function jsonataCatchOutput(t: TestedState, catcher: Rule, failure: StatesError): Promise<Produced> {
  const error = errorOutput(failure.error, failure.cause);
  return outputOf(scopeOf(t, { errorOutput: error }), error, catcher.Output, catcher.Assign);
}
