import { StatesError, StatesErrors } from '../../errors';
import { ARN_ACCOUNT, ARN_REGION } from '../../arn';
import { uuidV4 } from '../../intrinsics/encoding';
import { VariableScope } from '../../variables';
import { runBranchGroup } from '../branch-group';
import type { MapItems } from '../flow';
import { DiscardingRecorder } from '../history';
import type { StateRunner } from '../pipeline';
import type { MachineDef, Scope, StateDef } from '../scope';
import { maxConcurrency, tolerance } from './map-config';

/** `ItemReader` reads from Amazon S3, which Stepflow does not provide. */
export const ITEM_READER_UNSUPPORTED =
  "The field 'ItemReader' reads items from Amazon S3, which Stepflow does not provide; pass the items in the state input";

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

/**
 * Map: runs `ItemProcessor` (or legacy `Iterator`) once per item (or `ItemBatcher` batch) the
 * data flow selected, at most `MaxConcurrency[Path]` at once; the result is the array of outputs
 * in item order. Each inline iteration has its own variable scope (reading the outer variables);
 * a Distributed child reads none. A `DISTRIBUTED` processor runs each item as a child execution
 * recorded as a Map Run, and fails with `States.ExceedToleratedFailureThreshold` past
 * `ToleratedFailure…`.
 */
export const mapRunner: StateRunner<MapItems> = {
  retryable: true,
  spec: { hasResult: true },
  prepare(io) {
    if (io.e.state.ItemReader !== undefined) throw new StatesError(StatesErrors.Runtime, ITEM_READER_UNSUPPORTED);
    return io.flow.mapItems(io.e, io.effective);
  },
  act(io, { items, inputs, config }) {
    const { name, state, scope, ctx, variables } = io.e;
    const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef;
    const limit = maxConcurrency(config, io.effective, ctx, variables);
    const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
    const tolerated = tolerance(config, io.effective, ctx, items.length, distributed, variables);
    const startedId = scope.emit('MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
    return runBranchGroup(scope, {
      kind: 'Map',
      stateName: name,
      startedId,
      count: inputs.length,
      limit,
      tolerance: tolerated,
      distributed: distributed
        ? { mapRunArn: mapRunArn(scope, state, name), childScope: childScope(scope) }
        : undefined,
      body: (index, iteration) => io.runMachine(processor, inputs[index], iteration),
    });
  },
};
