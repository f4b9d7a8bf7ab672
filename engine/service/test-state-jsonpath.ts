import { evaluateChoiceRule, NO_CHOICE_MATCHED_CAUSE, type ChoiceRule } from '../core/choice';
import { StatesError, StatesErrors } from '../core/errors';
import { evaluateIntrinsic, isIntrinsic } from '../core/intrinsics';
import { numberField, readField } from '../core/interpreter/path-fields';
import type { StateDef } from '../core/interpreter/scope';
import { maxConcurrency } from '../core/interpreter/states/map-config';
import { waitMs } from '../core/interpreter/states/wait-path';
import { applyInputPath, applyOutputPath, applyResultPath, PathNotFoundError, readPath } from '../core/paths';
import { applyPayloadTemplate, describeMissingParameterPath } from '../core/payload-template';
import { errorOutput } from '../core/retry';
import { evaluateJsonPathAssign, type Assignment } from '../core/variables';
import {
  checkTolerance,
  mockedResult,
  nextOf,
  type Inspection,
  type Produced,
  type Rule,
  type StateBody,
  type TestedState,
} from './test-state-run';

/** `Parameters`/`ResultSelector`/`ItemSelector` over `data`; absent, `data` passes through. */
function template(t: TestedState, payload: unknown, data: unknown, context: unknown = t.context): unknown {
  if (payload === undefined) return data;
  return applyPayloadTemplate(payload, data, context, { random: () => t.host.random() }, t.variables);
}

/** `Assign` with `$` = `data`. */
function assign(t: TestedState, assignment: unknown, data: unknown): Assignment | undefined {
  if (assignment === undefined) return undefined;
  return evaluateJsonPathAssign(assignment as Record<string, unknown>, data, t.context, t.variables, {
    random: () => t.host.random(),
  });
}

const inputPathOf = (t: TestedState) => applyInputPath(t.state.InputPath, t.input, t.context, t.variables);

/** `ResultSelector` → `ResultPath` → `OutputPath` over a result, recording each step. */
function placeResult(t: TestedState, result: unknown, inspection: Inspection): unknown {
  const selected = template(t, t.state.ResultSelector, result);
  inspection.afterResultSelector = selected;
  const placed = applyResultPath(t.state.ResultPath, t.input, selected);
  inspection.afterResultPath = placed;
  return applyOutputPath(t.state.OutputPath, placed, t.context, t.variables);
}

/** Pass: `Result`, or `InputPath` → `Parameters`; then `ResultPath` → `OutputPath`. */
const pass: StateBody = async (t, inspection) => {
  const { state } = t;
  let result: unknown;
  if ('Result' in state) {
    result = state.Result;
    inspection.result = result;
  } else {
    const effective = inputPathOf(t);
    inspection.afterInputPath = effective;
    result = template(t, state.Parameters, effective);
    inspection.afterParameters = result;
  }
  const assigned = assign(t, state.Assign, result);
  inspection.afterResultSelector = result;
  const placed = applyResultPath(state.ResultPath, t.input, result);
  inspection.afterResultPath = placed;
  return { output: applyOutputPath(state.OutputPath, placed, t.context, t.variables), next: nextOf(state), assigned };
};

/** Task: `InputPath` → `Parameters` → the function (or mock) → `ResultSelector` → `ResultPath` → `OutputPath`. */
const task: StateBody = async (t, inspection) => {
  const effective = inputPathOf(t);
  inspection.afterInputPath = effective;
  const parameters = template(t, t.state.Parameters, effective);
  inspection.afterParameters = parameters;
  const timeout = numberField(t.state, 'TimeoutSeconds', effective, t.context, false, t.variables);
  if (timeout !== undefined && timeout <= 0)
    throw new StatesError(StatesErrors.Runtime, 'TimeoutSeconds must be positive.');
  const result = t.mock ? mockedResult(t) : await t.invoke(t.state, parameters, timeout);
  inspection.result = result;
  const assigned = assign(t, t.state.Assign, result);
  return { output: placeResult(t, result, inspection), next: nextOf(t.state), assigned };
};

/** Choice: the first matching rule's `Next`, else `Default`, else `States.NoChoiceMatched`. */
const choice: StateBody = async (t, inspection) => {
  const effective = inputPathOf(t);
  inspection.afterInputPath = effective;
  const rules = t.state.Choices as ChoiceRule[];
  const rule = rules.find((r) => evaluateChoiceRule(r, effective, t.context, t.variables));
  const next = (rule?.Next ?? t.state.Default) as string | undefined;
  if (next === undefined) throw new StatesError(StatesErrors.NoChoiceMatched, NO_CHOICE_MATCHED_CAUSE);
  const assigned = assign(t, rule?.Assign ?? t.state.Assign, effective);
  return { output: applyOutputPath(t.state.OutputPath, effective, t.context, t.variables), next, assigned };
};

/** Wait: its time is checked, not waited for; the effective input passes through. */
const wait: StateBody = async (t, inspection) => {
  const effective = inputPathOf(t);
  inspection.afterInputPath = effective;
  waitMs(t.state, effective, t.context, t.host.now(), t.variables);
  const assigned = assign(t, t.state.Assign, effective);
  return {
    output: applyOutputPath(t.state.OutputPath, effective, t.context, t.variables),
    next: nextOf(t.state),
    assigned,
  };
};

/** Succeed: `InputPath` → `OutputPath`. */
const succeed: StateBody = async (t, inspection) => {
  const effective = inputPathOf(t);
  inspection.afterInputPath = effective;
  return { output: applyOutputPath(t.state.OutputPath, effective, t.context, t.variables) };
};

/** `ErrorPath`/`CausePath`: a path or intrinsic over the input that must give a string. */
function stringAt(t: TestedState, expr: string, field: string): string {
  let value: unknown;
  try {
    value = isIntrinsic(expr)
      ? evaluateIntrinsic(expr, t.input, t.context, { random: () => t.host.random() }, { variables: t.variables })
      : readPath(expr, t.input, t.context, t.variables);
  } catch (err) {
    if (err instanceof PathNotFoundError)
      throw new StatesError(StatesErrors.Runtime, describeMissingParameterPath(err.path, field, t.input));
    throw err;
  }
  if (typeof value !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value of the field '${field}' must be a string, but '${expr}' is ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Fail: `Error`/`Cause` (or `ErrorPath`/`CausePath`). */
const fail: StateBody = async (t, inspection) => {
  inspection.afterInputPath = t.input;
  const { state } = t;
  const error = state.ErrorPath !== undefined ? stringAt(t, state.ErrorPath, 'ErrorPath') : (state.Error ?? '');
  const cause = state.CausePath !== undefined ? stringAt(t, state.CausePath, 'CausePath') : (state.Cause ?? '');
  throw new StatesError(error, cause);
};

/** Parallel (mocked): the mock is the branches' result; then `ResultSelector` → `ResultPath` → `OutputPath`. */
const parallel: StateBody = async (t, inspection) => {
  template(t, t.state.Parameters, inputPathOf(t));
  const result = mockedResult(t);
  const assigned = assign(t, t.state.Assign, result);
  return { output: placeResult(t, result, inspection), next: nextOf(t.state), assigned };
};

/** The items a JSONPath Map iterates: the reader's data (`mapItemReaderData`) or `ItemsPath` (an array). */
function itemsOf(t: TestedState, effective: unknown): unknown[] {
  if (t.state.ItemReader !== undefined)
    return Array.isArray(t.config.mapItemReaderData) ? t.config.mapItemReaderData : [];
  const items =
    t.state.ItemsPath === undefined ? effective : readField(t.state.ItemsPath, effective, t.context, t.variables);
  if (!Array.isArray(items))
    throw new StatesError(StatesErrors.Runtime, `Reference path "${t.state.ItemsPath ?? '$'}" must point to array.`);
  return items;
}

/**
 * Map (mocked): `InputPath` → `ItemsPath` → `ItemSelector` (with `$$.Map.Item`), its
 * concurrency and tolerance, then the mock as the iterations' result → `ResultSelector` →
 * `ResultPath` → `OutputPath`.
 */
const map: StateBody = async (t, inspection) => {
  const { state } = t;
  const effective = inputPathOf(t);
  inspection.afterInputPath = effective;
  const items = itemsOf(t, effective);
  if (state.ItemsPath !== undefined) inspection.afterItemsPath = items;
  const selector = (state.ItemSelector ?? state.Parameters) as StateDef | undefined;
  if (selector !== undefined) {
    inspection.afterItemSelector = items.map((item, index) =>
      template(t, selector, effective, { ...t.context, Map: { Item: { Index: index, Value: item } } }),
    );
  }
  const count = numberField(state, 'ToleratedFailureCount', effective, t.context, false, t.variables);
  const percentage = numberField(state, 'ToleratedFailurePercentage', effective, t.context, true, t.variables);
  if (count !== undefined) inspection.toleratedFailureCount = count;
  if (percentage !== undefined) inspection.toleratedFailurePercentage = percentage;
  inspection.maxConcurrency = maxConcurrency(state, effective, t.context, t.variables);
  const result = mockedResult(t);
  checkTolerance(t, state, effective, items.length);
  const assigned = assign(t, state.Assign, result);
  return { output: placeResult(t, result, inspection), next: nextOf(state), assigned };
};

/** The JSONPath body of each state type. */
export const JSONPATH_BODIES: Record<string, StateBody> = {
  Pass: pass,
  Task: task,
  Choice: choice,
  Wait: wait,
  Succeed: succeed,
  Fail: fail,
  Parallel: parallel,
  Map: map,
};

/** A JSONPath catcher's output: the error output placed by its `ResultPath` into the state input; `Assign` reads the error output. */
export async function jsonPathCatchOutput(t: TestedState, catcher: Rule, failure: StatesError): Promise<Produced> {
  const error = errorOutput(failure.error, failure.cause);
  return { output: applyResultPath(catcher.ResultPath, t.input, error), assigned: assign(t, catcher.Assign, error) };
}
