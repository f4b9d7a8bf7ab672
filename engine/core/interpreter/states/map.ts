import { StatesError, StatesErrors } from '../../errors';
import { ARN_ACCOUNT, ARN_REGION } from '../../arn';
import { uuidV4 } from '../../intrinsics/encoding';
import { VariableScope } from '../../variables';
import { runBranchGroup } from '../branch-group';
import type { MapItems } from '../flow';
import { DiscardingRecorder } from '../history';
import type { StateIO, StateRunner } from '../pipeline';
import type { MachineDef, Scope, StateDef } from '../scope';
import type { MapItemReader, MapRunRequest } from '../map-run';
import { readerItems, writerFormat, writerTarget } from './map-s3';
import { maxConcurrency, tolerance, toleranceLimits } from './map-config';

/** Why a Map with an `ItemReader` fails where no Map Run can start (S3 is read only in a Map Run). */
export const ITEM_READER_UNSUPPORTED =
  "The field 'ItemReader' reads items from S3 in a Map Run, which this run cannot start (an in-memory run, TestState or an execution recorded before ItemReader was supported); pass the items in the state input";

/** The Map Run ARN AWS mints for a Distributed Map: `…:mapRun:<machine>/<label or state>:<uuid>`. */
function mapRunArn(scope: Scope, state: StateDef, name: string): string {
  const machine = scope.run.execution.stateMachineName;
  const id = uuidV4(() => scope.run.host.random());
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:mapRun:${machine}/${state.Label ?? name}:${id}`;
}

/**
 * A Distributed Map run by the host as a Map Run of child executions (`MapRunStarted`, or
 * `MapRunRedriven` when a redrive reopened the earlier run's, then `MapRunSucceeded`/`Failed`;
 * `MapRunAborted` when the branch is abandoned); the result is the children's outputs in item order.
 */
async function runAsMapRun(io: StateIO, request: MapRunRequest) {
  const { scope } = io.e;
  const host = scope.run.host;
  const mapRuns = host.mapRuns as NonNullable<typeof host.mapRuns>;
  const started = await mapRuns.start(request);
  if (started.redriven)
    scope.emit({ type: 'MapRunRedriven', mapRunRedrivenEventDetails: { mapRunArn: started.mapRunArn } });
  else scope.emit({ type: 'MapRunStarted', mapRunStartedEventDetails: { mapRunArn: started.mapRunArn } });
  const active = scope.current;
  if (active) active.abortChildren = (causeId) => void scope.run.recorder.emit(causeId, { type: 'MapRunAborted' });
  try {
    const outcome = await mapRuns.wait(started, scope.abort);
    if (outcome.status === 'SUCCEEDED') {
      scope.emit({ type: 'MapRunSucceeded' });
      scope.run.recorder.emit(scope.lastEventId, { type: 'MapStateSucceeded' });
      return outcome.results;
    }
    if (outcome.status === 'ABORTED') throw new StatesError(outcome.error, outcome.cause);
    scope.emit({ type: 'MapRunFailed', mapRunFailedEventDetails: { error: outcome.error, cause: outcome.cause } });
    scope.emit({ type: 'MapStateFailed' });
    throw new StatesError(outcome.error, outcome.cause);
  } finally {
    if (active) active.abortChildren = undefined;
  }
}

/**
 * True when a Distributed Map's `ItemReader` / S3 `ResultWriter` run through the host's Map Run
 * (which reads and writes S3); false for an execution recorded before it could.
 */
function readsS3(state: StateDef, scope: Scope): boolean {
  const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef | undefined;
  const mapRuns = scope.run.host.mapRuns;
  return processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' && !!mapRuns?.enabled() && mapRuns.s3Enabled?.() === true;
}

/** A Distributed Map child: its own (unrecorded) history, starting with `ExecutionStarted`. */
function childScope(scope: Scope) {
  return (abort: Scope['abort']): Scope => {
    const recorder = new DiscardingRecorder(() => scope.run.host.now());
    // The child's own history starts with ExecutionStarted (id 1), which nobody reads.
    recorder.continueAfter(1);
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
export const mapRunner: StateRunner<MapItems & { reader?: MapItemReader }> = {
  retryable: true,
  spec: { hasResult: true },
  prepare(io) {
    if (io.e.state.ItemReader !== undefined) {
      if (!readsS3(io.e.state, io.e.scope)) throw new StatesError(StatesErrors.Runtime, ITEM_READER_UNSUPPORTED);
      return readerItems(io);
    }
    return io.flow.mapItems(io.e, io.effective);
  },
  act(io, { items, inputs, config, reader }) {
    const { name, state, scope, ctx, variables } = io.e;
    const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef;
    const limit = maxConcurrency(config, io.effective, ctx, variables);
    const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
    const tolerated = tolerance(config, io.effective, ctx, items.length, distributed, variables);
    const startedId = scope.emit({ type: 'MapStateStarted', mapStateStartedEventDetails: { length: items.length } });
    if (distributed && scope.run.host.mapRuns?.enabled()) {
      const limits = toleranceLimits(config, io.effective, ctx, variables);
      const request: MapRunRequest = {
        mapRunArn: mapRunArn(scope, state, name),
        stateName: name,
        label: (state.Label as string | undefined) ?? name,
        processor,
        inputs,
        batched: state.ItemBatcher !== undefined,
        maxConcurrency: limit,
        ...(limits.count !== undefined ? { toleratedFailureCount: limits.count } : {}),
        ...(limits.percentage !== undefined ? { toleratedFailurePercentage: limits.percentage } : {}),
        executionType:
          (processor.ProcessorConfig as { ExecutionType?: 'EXPRESS' } | undefined)?.ExecutionType ?? 'STANDARD',
        ...(reader ? { itemReader: reader } : {}),
        ...writerFormat(state, scope),
      };
      // An S3 ResultWriter is evaluated (and awaited) only where the host writes S3: an execution
      // recorded before it could takes the same steps it took then.
      if ((state.ResultWriter as { Resource?: unknown } | undefined)?.Resource !== undefined && readsS3(state, scope)) {
        return writerTarget(io).then((writer) =>
          runAsMapRun(io, { ...request, ...(writer ? { resultWriter: writer } : {}) }),
        );
      }
      return runAsMapRun(io, request);
    }
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
