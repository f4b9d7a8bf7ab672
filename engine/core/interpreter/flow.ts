import { evaluateChoiceRule, NO_CHOICE_MATCHED_CAUSE, type ChoiceComparison, type ChoiceRule } from '../choice';
import { StatesError, StatesErrors, type StatesError as Failure } from '../errors';
import { evaluateIntrinsic, isIntrinsic } from '../intrinsics';
import { evaluateTemplate, evaluateTyped, type JsonataScope, type StatesVariable } from '../jsonata';
import { applyInputPath, applyResultPath, PathNotFoundError, readPath } from '../paths';
import { applyPayloadTemplate, describeMissingParameterPath } from '../payload-template';
import { errorOutput } from '../retry';
import { evaluateJsonataAssign, evaluateJsonPathAssign, type Assignment } from '../variables';
import type { Inspection } from './inspection';
import type { Scope, StateDef } from './scope';
import { jsonataTimeouts, type Timeouts } from './states/task-timeouts';
import { numberField, readField } from './path-fields';
import { batches, boundedItems } from './states/map-config';
import { jsonataItems, resolvedMapFields } from './states/map-jsonata';
import { selectJsonataItem, selectJsonPathItem } from './states/map-items';
import { jsonataWaitMs } from './states/wait-jsonata';
import { waitMs } from './states/wait-path';

/** A value, or the promise of it (JSONata evaluates asynchronously, JSONPath does not). */
export type MaybePromise<T> = T | Promise<T>;

/** The ASL `QueryLanguage` that makes a state's fields JSONata templates. */
export const JSONATA = 'JSONata';

/** One entry into a state: what every data-flow stage reads. */
export interface Entry {
  name: string;
  state: StateDef;
  /** The raw state input. */
  input: unknown;
  /** The Context object (`$$`, `$states.context`) of this attempt. */
  ctx: Record<string, unknown>;
  scope: Scope;
  /** The variables visible as of state entry. */
  variables: Record<string, unknown>;
  /** Where the stages record their intermediate values (see inspection.ts). */
  inspection: Inspection;
}

/** What a state produced: its output and the variables it assigns (committed when it exits). */
export interface Produced {
  output: unknown;
  assigned?: Assignment;
}

/** How the output stage treats the result of a state's effect. */
export interface OutputSpec {
  /** `$states.result` is defined (Task, Parallel, Map). */
  hasResult?: boolean;
  /** A matching Choice rule's or a catcher's `Output`/`Assign` replace the state's own. */
  output?: unknown;
  assign?: unknown;
  /** The state has no `Assign` (Succeed). */
  noAssign?: boolean;
  /** The state has no `ResultPath`/`ResultSelector` (Choice, Wait, Succeed): the result is the output. */
  passThrough?: boolean;
}

/** The output stage of a state whose runner has no OutputSpec: one object for all, never written. */
const PLAIN_OUTPUT: OutputSpec = Object.freeze({});

/** The timeouts of a Task that sets none: one object for all, never written. */
const NO_TIMEOUTS: Timeouts = Object.freeze({ timeoutSeconds: undefined, heartbeatSeconds: undefined });

/** Where a caught error sends the execution, and the state output built from it. */
export interface Caught {
  next: string;
  output: unknown;
  /** The catcher's `Assign` (it replaces the state's). */
  assigned?: Assignment;
}

/** A state's `Catch` rule (as the plan carries it). */
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: unknown;
}

/** One Choice rule as it was evaluated (see docs/history-extensions.md). */
export interface ChoiceRuleTrace {
  index: number;
  result: boolean;
  /** JSONPath: the comparisons the rule made, with the values compared. */
  comparisons?: ChoiceComparison[];
  /** JSONata: the rule's `Condition` as written. */
  condition?: unknown;
}

/** What a Choice state decided: the rule that matched (or "Default"), where it led, and why. */
export interface ChoiceDecision {
  matched: number | 'Default';
  next: string;
  rules: ChoiceRuleTrace[];
}

/** The items a Map attempt iterates, and its numeric configuration, resolved. */
export interface MapItems {
  items: unknown[];
  inputs: unknown[];
  /** The state with its numeric fields resolved (JSONata) or as written (JSONPath). */
  config: StateDef;
}

/**
 * The data flow of one query language: every stage of a state's input-to-output pipeline and
 * every field a state's effect evaluates. The pipeline (pipeline.ts) and the runners call these
 * and never test the language themselves; a new state field needs a change here only.
 */
export interface DataFlow {
  readonly language: 'JSONPath' | 'JSONata';
  /** The inspection stage `parameters` produces. */
  readonly parametersStage: 'afterParameters' | 'afterArguments';
  /** JSONPath `InputPath`; JSONata: the input itself. */
  effective(e: Entry): unknown;
  /** JSONPath `Parameters` over the effective input; JSONata `Arguments`; absent, the effective input. */
  parameters(e: Entry, effective: unknown): MaybePromise<unknown>;
  /** A payload template of the state (`ItemBatcher.BatchInput`, `Compensate`…) over `data`. */
  template(e: Entry, template: unknown, data: unknown, field: string, result?: unknown): MaybePromise<unknown>;
  /** After the effect: JSONPath `Assign` → `ResultSelector` → `ResultPath` → `OutputPath`; JSONata `Output`, `Assign`. */
  output(e: Entry, result: unknown, spec?: OutputSpec): MaybePromise<Produced>;
  /** The output of a caught error: the catcher's `ResultPath` (JSONPath) or `Output` (JSONata), and its `Assign`. */
  caught(e: Entry, catcher: Catcher, failure: Failure): MaybePromise<Caught>;
  /** The index of the first Choice rule that matches, or -1; `trace` receives each evaluated rule. */
  choose(e: Entry, effective: unknown, trace: ChoiceRuleTrace[]): MaybePromise<number>;
  /** Milliseconds a Wait state waits. */
  waitMs(e: Entry, effective: unknown): MaybePromise<number>;
  /** A Task's `TimeoutSeconds` and `HeartbeatSeconds`. */
  timeouts(e: Entry, effective: unknown): MaybePromise<Timeouts>;
  /** A Fail state's error and cause. */
  failure(e: Entry): MaybePromise<{ error: string; cause: string }>;
  /** The items a Map iterates (`ItemsPath`/`Items`, `ItemSelector`, `ItemBatcher`) and its numeric fields. */
  mapItems(e: Entry, effective: unknown): MaybePromise<MapItems>;
}

/** A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`); absent, `data` passes through. */
export function payloadTemplate(template: unknown, data: unknown, ctx: unknown, e: Entry): unknown {
  if (template === undefined) return data;
  return applyPayloadTemplate(template, data, ctx, { random: () => e.scope.run.host.random() }, e.variables);
}

function jsonPathAssign(assign: unknown, data: unknown, e: Entry): Assignment | undefined {
  if (assign === undefined) return undefined;
  return evaluateJsonPathAssign(assign as Record<string, unknown>, data, e.ctx, e.variables, {
    random: () => e.scope.run.host.random(),
  });
}

/**
 * Reads `ErrorPath`/`CausePath`: a Reference Path or a string-returning intrinsic over the state
 * input. A path that selects nothing fails with AWS's cause ("The JSONPath '$.x' specified for
 * the field 'ErrorPath' could not be found in the input '...'"); the value must be a string.
 */
function stringAt(expr: string, field: string, e: Entry): string {
  let value: unknown;
  try {
    value = isIntrinsic(expr)
      ? evaluateIntrinsic(expr, e.input, e.ctx, { random: () => e.scope.run.host.random() }, { variables: e.variables })
      : readPath(expr, e.input, e.ctx, e.variables);
  } catch (err) {
    if (err instanceof PathNotFoundError) {
      throw new StatesError(StatesErrors.Runtime, describeMissingParameterPath(err.path, field, e.input));
    }
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

/** TimeoutSeconds/HeartbeatSeconds or their `…Path` twin: a positive integer. */
function seconds(e: Entry, field: string, effective: unknown): number | undefined {
  const value = numberField(e.state, field, effective, e.ctx, false, e.variables);
  if (value !== undefined && value <= 0) throw new StatesError(StatesErrors.Runtime, `${field} must be positive.`);
  return value;
}

/** JSONPath: synchronous on purpose (an extra await would change how concurrent branches interleave). */
export const jsonPathFlow: DataFlow = {
  language: 'JSONPath',
  parametersStage: 'afterParameters',
  effective(e) {
    const effective = applyInputPath(e.state.InputPath, e.input, e.ctx, e.variables);
    e.inspection.record('afterInputPath', effective);
    return effective;
  },
  parameters(e, effective) {
    const params = payloadTemplate(e.state.Parameters, effective, e.ctx, e);
    return params;
  },
  template(e, template, data) {
    return payloadTemplate(template, data, e.ctx, e);
  },
  output(e, result, spec = PLAIN_OUTPUT) {
    const { state, ctx, variables } = e;
    e.inspection.record('result', result);
    const assigned = spec.noAssign ? undefined : jsonPathAssign(spec.assign ?? state.Assign, result, e);
    if (spec.passThrough) {
      const output = applyInputPath(state.OutputPath, result, ctx, variables);
      return e.inspection.output({ output, assigned });
    }
    const selected = payloadTemplate(state.ResultSelector, result, ctx, e);
    e.inspection.record('afterResultSelector', selected);
    const placed = applyResultPath(state.ResultPath, e.input, selected);
    e.inspection.record('afterResultPath', placed);
    const output = applyInputPath(state.OutputPath, placed, ctx, variables);
    return e.inspection.output({ output, assigned });
  },
  caught(e, catcher, failure) {
    const error = errorOutput(failure.error, failure.cause);
    const output = applyResultPath(catcher.ResultPath, e.input, error);
    if (catcher.Assign === undefined) return { next: catcher.Next, output };
    return { next: catcher.Next, output, assigned: jsonPathAssign(catcher.Assign, error, e) };
  },
  choose(e, effective, trace) {
    const rules = e.state.Choices as ChoiceRule[];
    return rules.findIndex((rule, index) => {
      const comparisons: ChoiceComparison[] = [];
      const result = evaluateChoiceRule(rule, effective, e.ctx, e.variables, comparisons);
      // A copy of its length: it lives in the exit event, and a pushed array has room for 17.
      trace.push({ index, result, comparisons: comparisons.slice() });
      return result;
    });
  },
  waitMs(e, effective) {
    return waitMs(e.state, effective, e.ctx, e.scope.run.host.now(), e.variables);
  },
  timeouts(e, effective) {
    const { state } = e;
    // Most Tasks set none of the four: named reads, not the keyed ones of numberField (a twentieth
    // of a Parallel of Tasks, whose states each have a shape of their own).
    if (
      state.TimeoutSeconds === undefined &&
      state.TimeoutSecondsPath === undefined &&
      state.HeartbeatSeconds === undefined &&
      state.HeartbeatSecondsPath === undefined
    )
      return NO_TIMEOUTS;
    return {
      timeoutSeconds: seconds(e, 'TimeoutSeconds', effective),
      heartbeatSeconds: seconds(e, 'HeartbeatSeconds', effective),
    };
  },
  failure(e) {
    const { state } = e;
    const error = state.ErrorPath !== undefined ? stringAt(state.ErrorPath, 'ErrorPath', e) : (state.Error ?? '');
    const cause = state.CausePath !== undefined ? stringAt(state.CausePath, 'CausePath', e) : (state.Cause ?? '');
    return { error, cause };
  },
  mapItems(e, effective) {
    const { state, ctx, variables } = e;
    const items = boundedItems(
      state.ItemsPath === undefined ? effective : readField(state.ItemsPath, effective, ctx, variables),
      e,
      state.ItemsPath,
    );
    const shaping = {
      language: 'JSONPath',
      selector: state.ItemSelector ?? state.Parameters,
      input: effective,
      ctx,
      variables,
    } as const;
    const selected = items.map((item, index) => selectJsonPathItem(shaping, item, index, e.scope.run.host));
    const batchInput = state.ItemBatcher?.BatchInput;
    const inputs = state.ItemBatcher
      ? batches(
          state,
          selected,
          batchInput === undefined ? undefined : payloadTemplate(batchInput, effective, ctx, e),
          effective,
          ctx,
          variables,
        )
      : selected;
    return { items, inputs, config: state };
  },
};

/** The JSONata evaluation scope of an entry: `$states`, the variables, the host's clock and randomness. */
export function jsonataScope(e: Entry, states: Partial<StatesVariable> = {}): JsonataScope {
  return { states: { input: e.input, context: e.ctx, ...states }, variables: e.variables, host: e.scope.run.host };
}

async function jsonataOutput(e: Entry, states: Partial<StatesVariable>, fallback: unknown, spec: OutputSpec) {
  const scope = jsonataScope(e, states);
  const output = spec.output ?? e.state.Output;
  const assign = spec.noAssign ? undefined : (spec.assign ?? e.state.Assign);
  const value = output === undefined ? fallback : await evaluateTemplate(output, scope, 'Output');
  const assigned = assign === undefined ? undefined : await evaluateJsonataAssign(assign as never, scope);
  return e.inspection.output({ output: value, assigned });
}

export const jsonataFlow: DataFlow = {
  language: 'JSONata',
  parametersStage: 'afterArguments',
  effective(e) {
    return e.input;
  },
  parameters(e, effective) {
    if (e.state.Arguments === undefined) return effective;
    return evaluateTemplate(e.state.Arguments, jsonataScope(e), 'Arguments');
  },
  template(e, template, _data, field, result) {
    return evaluateTemplate(template, jsonataScope(e, result === undefined ? {} : { result }), field);
  },
  output(e, result, spec = PLAIN_OUTPUT) {
    e.inspection.record('result', result);
    return jsonataOutput(e, spec.hasResult ? { result } : {}, result, spec);
  },
  caught(e, catcher, failure) {
    const errorOut = errorOutput(failure.error, failure.cause);
    const spec = { output: catcher.Output, assign: catcher.Assign };
    return jsonataOutput(e, { errorOutput: errorOut }, errorOut, spec).then((produced) => ({
      next: catcher.Next,
      ...produced,
    }));
  },
  async choose(e, _effective, trace) {
    const rules = e.state.Choices as ChoiceRule[];
    const scope = jsonataScope(e);
    // One async call per rule, as the runner always made it (the awaits decide how branches interleave).
    const condition = async (i: number) =>
      (await evaluateTyped(rules[i]!.Condition, scope, `Choices/${i}/Condition`, 'boolean')) === true;
    for (let i = 0; i < rules.length; i++) {
      const result = await condition(i);
      trace.push({ index: i, result, condition: rules[i]!.Condition });
      if (result) return i;
    }
    return -1;
  },
  waitMs(e) {
    return jsonataWaitMs(e.state, jsonataScope(e), e.scope.run.host.now());
  },
  timeouts(e) {
    return jsonataTimeouts(e.state, jsonataScope(e));
  },
  async failure(e) {
    const { state } = e;
    const scope = jsonataScope(e);
    const error =
      state.Error === undefined ? '' : ((await evaluateTyped(state.Error, scope, 'Error', 'string')) as string);
    const cause =
      state.Cause === undefined ? '' : ((await evaluateTyped(state.Cause, scope, 'Cause', 'string')) as string);
    return { error, cause };
  },
  async mapItems(e) {
    const { state, input, ctx } = e;
    const jsonata = jsonataScope(e);
    const items = boundedItems(await jsonataItems(state, input, jsonata), e);
    const config = await resolvedMapFields(state, jsonata);
    const shaping = { language: 'JSONata', selector: state.ItemSelector, input, ctx, variables: e.variables } as const;
    const selected: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      selected.push(await selectJsonataItem(shaping, items[index], index, e.scope.run.host));
    }
    const inputs = config.ItemBatcher ? batches(config, selected, config.ItemBatcher.BatchInput, input, ctx) : selected;
    return { items, inputs, config };
  },
};

/** Where no Choice rule matches: `Default`, else `States.NoChoiceMatched`. */
export function choiceDefault(state: StateDef): string {
  if (state.Default !== undefined) return state.Default as string;
  throw new StatesError(StatesErrors.NoChoiceMatched, NO_CHOICE_MATCHED_CAUSE);
}
