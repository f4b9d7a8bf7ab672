import { StatesError, StatesErrors } from '../../errors';
import { ARN_ACCOUNT, ARN_REGION } from '../../arn';
import { uuidV4 } from '../../intrinsics/encoding';
import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { runCatching, type StepResult } from '../guarded';
import { runBranchGroup } from '../branch-group';
import { DiscardingRecorder } from '../history';
import { runMachine } from '../machine';
import { withRetry } from '../retry-catch';
import { contextObject, type MachineDef, type Scope, type StateDef } from '../scope';
import { readField } from '../path-fields';
import { batches, maxConcurrency, tolerance } from './map-config';

/** `ItemReader` reads from Amazon S3, which Stepflow does not provide. */
export const ITEM_READER_UNSUPPORTED =
  "The field 'ItemReader' reads items from Amazon S3, which Stepflow does not provide; pass the items in the state input";

/** The array the Map iterates: `ItemsPath` (default `$`) of the effective input. */
function itemsOf(state: StateDef, effective: unknown, ctx: unknown): unknown[] {
  const items = state.ItemsPath === undefined ? effective : readField(state.ItemsPath, effective, ctx);
  if (!Array.isArray(items)) {
    throw new StatesError(StatesErrors.Runtime, `Reference path "${state.ItemsPath ?? '$'}" must point to array.`);
  }
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
    return scope.child(0, abort, { ...scope.run, recorder });
  };
}

/**
 * Map: runs `ItemProcessor` (or legacy `Iterator`) once per element of the array at `ItemsPath`
 * (or per `ItemBatcher` batch), each on `ItemSelector` (or legacy `Parameters`) evaluated with
 * `$$.Map.Item`, at most `MaxConcurrency[Path]` at once; the result is the array of outputs in
 * item order. A `DISTRIBUTED` processor runs each item as a child execution recorded as a Map Run,
 * and fails with `States.ExceedToleratedFailureThreshold` past `ToleratedFailure…`.
 */
export async function runMap(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) =>
    withRetry(state, scope, async (retryCount) => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      if (state.ItemReader !== undefined) throw new StatesError(StatesErrors.Runtime, ITEM_READER_UNSUPPORTED);
      const effective = inputPath(state.InputPath, input, ctx);
      const items = itemsOf(state, effective, ctx);
      const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef;
      const selector = state.ItemSelector ?? state.Parameters;
      const limit = maxConcurrency(state, effective, ctx);
      const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
      const tolerated = tolerance(state, effective, ctx, items.length, distributed);
      const selected = items.map((item, index) => {
        const itemCtx = { ...ctx, Map: { Item: { Index: index, Value: item } } };
        return selector === undefined ? item : payloadTemplate(selector, effective, itemCtx, scope);
      });
      const batchInput = state.ItemBatcher?.BatchInput;
      const inputs = state.ItemBatcher
        ? batches(state, selected, batchInput === undefined ? undefined : payloadTemplate(batchInput, effective, ctx, scope), effective, ctx)
        : selected;
      const startedId = scope.emit('MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
      const results = await runBranchGroup(scope, {
        kind: 'Map',
        stateName: name,
        startedId,
        count: inputs.length,
        limit,
        tolerance: tolerated,
        distributed: distributed ? { mapRunArn: mapRunArn(scope, state, name), childScope: childScope(scope) } : undefined,
        body: (index, iteration) => runMachine(processor, inputs[index], iteration),
      });
      const output = payloadTemplate(state.ResultSelector, results, ctx, scope);
      return outputPath(state.OutputPath, resultPath(state.ResultPath, input, output), ctx);
    }),
  );
}
