import { StatesError, StatesErrors } from '../../errors';
import { ARN_ACCOUNT, ARN_REGION } from '../../arn';
import { uuidV4 } from '../../intrinsics/encoding';
import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { runCatching, type StepResult } from '../guarded';
import { runBranchGroup } from '../branch-group';
import { MAX_INLINE_MAP_ITEMS, mapItemsError } from '../bounds';
import { DiscardingRecorder } from '../history';
import { runMachine } from '../machine';
import { withRetry } from '../retry-catch';
import { contextObject, type MachineDef, type Scope, type StateDef } from '../scope';
import { readField } from '../path-fields';
import { batches, maxConcurrency, tolerance } from './map-config';
import { jsonataItems, resolvedMapFields } from './map-jsonata';
import { evaluateTemplate } from '../../jsonata';
import { VariableScope } from '../../variables';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign, variablesOf, type Produced } from '../query-language';

/** `ItemReader` reads from Amazon S3, which Stepflow does not provide. */
export const ITEM_READER_UNSUPPORTED =
  "The field 'ItemReader' reads items from Amazon S3, which Stepflow does not provide; pass the items in the state input";

/** The array the Map iterates: `ItemsPath` (default `$`) of the effective input. */
function itemsOf(state: StateDef, effective: unknown, ctx: unknown, variables: Record<string, unknown>): unknown[] {
  const items = state.ItemsPath === undefined ? effective : readField(state.ItemsPath, effective, ctx, variables);
  if (!Array.isArray(items)) {
    throw new StatesError(StatesErrors.Runtime, `Reference path "${state.ItemsPath ?? '$'}" must point to array.`);
  }
  return boundedItems(items);
}

/** The items, when there are at most MAX_INLINE_MAP_ITEMS (checked before any item is selected or run). */
function boundedItems(items: unknown[]): unknown[] {
  if (items.length > MAX_INLINE_MAP_ITEMS) throw mapItemsError(items.length);
  return items;
}

/** The Map Run ARN AWS mints for a Distributed Map: `…:mapRun:<machine>/<label or state>:<uuid>`. */
function mapRunArn(scope: Scope, state: StateDef, name: string): string {
  const machine = scope.run.execution.stateMachineName;
  const id = uuidV4(() => scope.run.host.random());
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:mapRun:${machine}/${state.Label ?? name}:${id}`;
}

/** A Distributed Map child: its own (unrecorded) history, starting with `ExecutionStarted`. */
function childScope(scope: Scope) {
  return (abort: Scope['abort']): Scope => {
    const recorder = new DiscardingRecorder(() => scope.run.host.now());
    recorder.emit('ExecutionStarted', 0);
    // A child execution cannot read the parent's variables: it starts a scope of its own.
    return scope.child(0, abort, { ...scope.run, recorder }, new VariableScope());
  };
}

/** What one Map attempt iterates and how, in either query language. */
interface MapPlan {
  items: unknown[];
  inputs: unknown[];
  config: StateDef;
  effective: unknown;
  variables: Record<string, unknown>;
}

async function jsonataPlan(
  state: StateDef,
  input: unknown,
  ctx: Record<string, unknown>,
  scope: Scope,
): Promise<MapPlan> {
  const variables = variablesOf(scope);
  const jsonata = jsonataScope(scope, { input, context: ctx }, variables);
  const items = boundedItems(await jsonataItems(state, input, jsonata));
  const config = await resolvedMapFields(state, jsonata);
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const itemCtx = { ...ctx, Map: { Item: { Index: index, Value: items[index] } } };
    const itemScope = jsonataScope(scope, { input, context: itemCtx }, variables);
    selected.push(
      state.ItemSelector === undefined
        ? items[index]
        : await evaluateTemplate(state.ItemSelector, itemScope, 'ItemSelector'),
    );
  }
  const inputs = config.ItemBatcher ? batches(config, selected, config.ItemBatcher.BatchInput, input, ctx) : selected;
  return { items, inputs, config, effective: input, variables };
}

function jsonPathPlan(state: StateDef, input: unknown, ctx: Record<string, unknown>, scope: Scope): MapPlan {
  const variables = variablesOf(scope);
  const effective = inputPath(state.InputPath, input, ctx, variables);
  const items = itemsOf(state, effective, ctx, variables);
  const selector = state.ItemSelector ?? state.Parameters;
  const selected = items.map((item, index) => {
    const itemCtx = { ...ctx, Map: { Item: { Index: index, Value: item } } };
    return selector === undefined ? item : payloadTemplate(selector, effective, itemCtx, scope);
  });
  const batchInput = state.ItemBatcher?.BatchInput;
  const inputs = state.ItemBatcher
    ? batches(
        state,
        selected,
        batchInput === undefined ? undefined : payloadTemplate(batchInput, effective, ctx, scope),
        effective,
        ctx,
        variables,
      )
    : selected;
  return { items, inputs, config: state, effective, variables };
}

/**
 * Map: runs `ItemProcessor` (or legacy `Iterator`) once per element of the array at `ItemsPath`
 * (JSONata: `Items`, default the input) or per `ItemBatcher` batch, each on `ItemSelector` (or
 * legacy `Parameters`) evaluated with `$$.Map.Item`, at most `MaxConcurrency[Path]` at once; the
 * result is the array of outputs in item order. Each inline iteration has its own variable scope
 * (reading the outer variables); a Distributed child reads none. A `DISTRIBUTED` processor runs
 * each item as a child execution recorded as a Map Run, and fails with
 * `States.ExceedToleratedFailureThreshold` past `ToleratedFailure…`. `Assign` reads the raw result.
 */
export async function runMap(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) =>
    withRetry(state, scope, async (retryCount): Promise<Produced> => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      if (state.ItemReader !== undefined) throw new StatesError(StatesErrors.Runtime, ITEM_READER_UNSUPPORTED);
      const jsonata = isJsonata(state, scope);
      const plan = jsonata ? await jsonataPlan(state, input, ctx, scope) : jsonPathPlan(state, input, ctx, scope);
      const { config, effective, variables, inputs } = plan;
      const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef;
      const limit = maxConcurrency(config, effective, ctx, variables);
      const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
      const tolerated = tolerance(config, effective, ctx, plan.items.length, distributed, variables);
      const startedId = scope.emit('MapStateStarted', 'mapStateStartedEventDetails', { length: plan.items.length });
      const results = await runBranchGroup(scope, {
        kind: 'Map',
        stateName: name,
        startedId,
        count: inputs.length,
        limit,
        tolerance: tolerated,
        distributed: distributed
          ? { mapRunArn: mapRunArn(scope, state, name), childScope: childScope(scope) }
          : undefined,
        body: (index, iteration) => runMachine(processor, inputs[index], iteration),
      });
      if (jsonata)
        return jsonataOutput(state, jsonataScope(scope, { input, context: ctx, result: results }, variables), results);
      const assigned = jsonPathAssign(state.Assign, results, ctx, scope);
      const output = payloadTemplate(state.ResultSelector, results, ctx, scope);
      return {
        output: outputPath(state.OutputPath, resultPath(state.ResultPath, input, output), ctx, variables),
        assigned,
      };
    }),
  );
}
