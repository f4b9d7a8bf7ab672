import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyLocalActivities,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { StatesError, StatesErrors } from '../engine/core/errors';
import type { Abandonment, MapRunHost } from '../engine/core/interpreter/types';
import type { MapRunOutcome, MapRunRequest } from '../engine/core/interpreter/map-run';
import type { WaitingChildren } from './children';
import {
  MAP_RUN_WORKFLOW,
  type ExecutionWorkflowInput,
  type MapRunWorkflowInput,
  type MapRunWorkflowOutcome,
  type WorkflowOutcome,
} from './messages';

type Activities = ReturnType<typeof createActivities>;

/**
 * Patch id: a Distributed Map runs as a Map Run workflow whose children are executions (see
 * map-run.ts). Executions recorded before run the items inside the execution, as they did.
 */
export const DISTRIBUTED_MAP_RUN = 'distributed-map-run-v1';

/**
 * Patch id: a Distributed Map run as a Map Run takes more items than an inline Map may (40,000).
 * Executions recorded before failed such a Map with `States.Runtime`, and replay the same way.
 */
const DISTRIBUTED_MAP_UNCAPPED = 'distributed-map-uncapped-v1';

/**
 * Patch id: a Distributed Map's `ItemReader` reads its items from S3 in the materialize activity
 * and an S3 `ResultWriter` writes the results (see activities/map-runs.ts). Executions recorded
 * before failed on ItemReader (States.Runtime) and ignored ResultWriter, as they did.
 */
export const DISTRIBUTED_MAP_S3 = 'distributed-map-s3-v1';

/**
 * Patch id: a Distributed Map whose `ResultWriter` has only `WriterConfig` returns its children's
 * results with that `Transformation` and `OutputType` applied (see `formatResults`). Executions
 * recorded before returned the children's outputs unchanged, and replay the same way.
 */
export const DISTRIBUTED_MAP_WRITER_CONFIG = 'mapdetails-writer-config-v1';

/**
 * Patch id: a Map Run whose children all ran but whose results could not be written (or
 * formatted) fails as a Map Run, `MapRunFailed` then `MapStateFailed` with
 * `States.ResultWriterFailed`, as one whose children failed does. Executions recorded before
 * failed the Map state with that error and no Map Run event, and replay the same way.
 */
const MAP_RUN_RESULTS_FAIL_RUN = 'map-run-results-fail-run-v1';

/**
 * The ASL error an activity of the Map Run failed with (`States.ItemReaderFailed`,
 * `States.ResultWriterFailed`: its ApplicationFailure type), else undefined.
 */
function statesFailure(err: unknown): StatesError | undefined {
  // A local activity's failure may come wrapped in an ActivityFailure or as it was thrown.
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (failure instanceof ApplicationFailure && failure.type?.startsWith('States.'))
    return new StatesError(failure.type, failure.message);
  return undefined;
}

/** Storing and reading a Map Run: local activities, so the items never enter Temporal's history. */
const store = proxyLocalActivities<Activities>({
  startToCloseTimeout: '120 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Reading a Map Run's items from S3 (ItemReader): a local activity too, so the items never enter
 * Temporal's history, with time for a large object; an S3 failure is a non-retryable
 * `States.ItemReaderFailed`, so retries are for a lost worker or database only.
 */
const reader = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * A failed Map Run's results still go to its `ResultWriter`, as AWS writes them (the items never
 * started in `PENDING_n.json`); the state fails with the Map Run's error whether or not they could.
 */
async function writeFailedRun(mapRunArn: string, request: MapRunRequest): Promise<void> {
  try {
    await reader.collectMapRunResults({ mapRunArn, resultWriter: request.resultWriter });
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
}

/** What the parent execution gives its Map Runs. */
export interface MapRunParent {
  executionId: string;
  executionArn: string;
  redriveCount: number;
  children: WaitingChildren;
  limits?: ExecutionWorkflowInput['limits'];
  bindings?: ExecutionWorkflowInput['bindings'];
  /** Writes the parent's pending events (around a Map Run's start, so a console sees it running). */
  writePending(): Promise<void>;
}

type MapRunHandle = ChildWorkflowHandle<(input: MapRunWorkflowInput) => Promise<MapRunWorkflowOutcome>>;

/** Cancels `work` when `abandoned` is raised (the branch running the Map state was given up). */
async function cancellable<T>(abandoned: Abandonment | undefined, work: () => Promise<T>): Promise<T> {
  if (!abandoned) return work();
  const scope = new CancellationScope();
  const unsubscribe = abandoned.onRaise(() => scope.cancel());
  try {
    return await scope.run(work);
  } finally {
    unsubscribe();
  }
}

/**
 * The execution workflow's Map Run host: a Distributed Map stores its items once (local
 * activity), starts ONE Map Run workflow as a child (workflow id = the Map Run ARN) and waits for
 * it; the results come back from the store in item order. The parent's Temporal history grows by
 * a handful of events per Map Run, whatever the number of items. A parent that stops waiting
 * (stopped, branch abandoned) stops the Map Run, which stops its children.
 */
export function distributedMapRuns(parent: MapRunParent): MapRunHost {
  const handles = new Map<string, { handle: MapRunHandle; request: MapRunRequest }>();
  return {
    enabled: () => patched(DISTRIBUTED_MAP_RUN),
    s3Enabled: () => patched(DISTRIBUTED_MAP_S3),
    uncapped: () => patched(DISTRIBUTED_MAP_UNCAPPED),
    writerConfig: () => patched(DISTRIBUTED_MAP_WRITER_CONFIG),
    async start(request) {
      await parent.writePending();
      const materialize = request.itemReader ? reader.materializeMapRunItems : store.materializeMapRunItems;
      const stored = await materialize({
        parentExecutionId: parent.executionId,
        parentRedriveCount: parent.redriveCount,
        request,
        batched: request.batched,
      }).catch((err: unknown) => {
        throw statesFailure(err) ?? err;
      });
      const handle = await startChild<(input: MapRunWorkflowInput) => Promise<MapRunWorkflowOutcome>>(
        MAP_RUN_WORKFLOW,
        {
          workflowId: stored.mapRunArn,
          args: [
            {
              mapRunArn: stored.mapRunArn,
              parentExecutionId: parent.executionId,
              parentExecutionArn: parent.executionArn,
              total: stored.total,
              settings: {
                maxConcurrency: stored.maxConcurrency,
                ...(stored.toleratedFailureCount !== undefined
                  ? { toleratedFailureCount: stored.toleratedFailureCount }
                  : {}),
                ...(stored.toleratedFailurePercentage !== undefined
                  ? { toleratedFailurePercentage: stored.toleratedFailurePercentage }
                  : {}),
              },
              ...(parent.limits ? { limits: parent.limits } : {}),
              ...(parent.bindings ? { bindings: parent.bindings } : {}),
            },
          ],
          // A redrive runs the same Map Run again under the same workflow id.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          // The parent stops its Map Run itself (the stop signal aborts the children).
          parentClosePolicy: 'ABANDON',
          cancellationType: 'ABANDON',
          memo: { parentExecutionId: parent.executionId, mapRunArn: stored.mapRunArn },
        },
      );
      handles.set(stored.mapRunArn, { handle, request });
      return { mapRunArn: stored.mapRunArn, redriven: stored.redriven };
    },
    async wait(run, abandoned): Promise<MapRunOutcome> {
      const entry = handles.get(run.mapRunArn);
      if (!entry) throw new StatesError(StatesErrors.Runtime, `Map Run '${run.mapRunArn}' was not started`);
      const { handle, request } = entry;
      // `MapRunStarted` is written before the wait: the Map Run may run for days.
      await parent.writePending();
      try {
        const outcome = await parent.children.waitFor(
          handle as unknown as ChildWorkflowHandle<() => Promise<WorkflowOutcome>>,
          parent.executionArn,
          () => cancellable(abandoned, () => handle.result()),
        );
        if (outcome.status !== 'SUCCEEDED') {
          if (outcome.status === 'FAILED' && request.resultWriter) await writeFailedRun(run.mapRunArn, request);
          return outcome;
        }
        const collect = request.resultWriter ? reader.collectMapRunResults : store.collectMapRunResults;
        const results = await collect({
          mapRunArn: run.mapRunArn,
          ...(request.resultWriter !== undefined ? { resultWriter: request.resultWriter } : {}),
          ...(request.resultFormat !== undefined ? { resultFormat: request.resultFormat } : {}),
        });
        return { status: 'SUCCEEDED', results };
      } catch (err) {
        if (isCancellation(err)) throw err;
        const failed = request.resultWriter || request.resultFormat ? statesFailure(err) : undefined;
        if (failed && patched(MAP_RUN_RESULTS_FAIL_RUN))
          return { status: 'FAILED', error: failed.error, cause: failed.cause };
        if (failed) throw failed;
        throw new StatesError(
          StatesErrors.Runtime,
          `The Map Run failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      } finally {
        handles.delete(run.mapRunArn);
      }
    },
  };
}
