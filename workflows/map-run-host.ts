import {
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

/** Storing and reading a Map Run: local activities, so the items never enter Temporal's history. */
const store = proxyLocalActivities<Activities>({
  startToCloseTimeout: '120 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

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
    async start(request) {
      await parent.writePending();
      const stored = await store.materializeMapRunItems({
        parentExecutionId: parent.executionId,
        parentRedriveCount: parent.redriveCount,
        request,
        batched: request.batched,
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
        if (outcome.status !== 'SUCCEEDED') return outcome;
        const results = await store.collectMapRunResults({
          mapRunArn: run.mapRunArn,
          ...(request.resultWriter !== undefined ? { resultWriter: request.resultWriter } : {}),
        });
        return { status: 'SUCCEEDED', results };
      } catch (err) {
        if (isCancellation(err)) throw err;
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
