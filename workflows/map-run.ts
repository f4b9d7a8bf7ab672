import {
  CancellationScope,
  condition,
  log,
  makeContinueAsNewFunc,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { StatesErrors } from '../engine/core/errors';
import { exceedsTolerance } from '../engine/core/interpreter/map-run';
import { TOLERATED_FAILURE_CAUSE } from '../engine/core/interpreter/states/map-config';
import {
  EXECUTION_WORKFLOW,
  stopSignal,
  updateMapRunSignal,
  type ExecutionWorkflowInput,
  type MapRunUpdate,
  type MapRunWorkflowInput,
  type MapRunWorkflowOutcome,
  type StopRequest,
  type WorkflowOutcome,
} from './messages';

type Activities = ReturnType<typeof createActivities>;

const store = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Children in flight at once, whatever `MaxConcurrency` says: well under Temporal's 2,000
 * pending child workflows per workflow.
 */
export const MAX_CHILDREN_IN_FLIGHT = 500;

/** Children prepared (rows stored, inputs kept in the store) per activity. */
const PREPARE_BATCH = 100;

/**
 * Children one run of the Map Run workflow starts before it drains and continues as new: about
 * six Temporal events each keeps a run far from Temporal's history limits.
 */
const CHILDREN_PER_RUN = 2_000;

/** History bytes past which a run stops starting children, drains and continues as new. */
const RUN_HISTORY_BYTES = 16 * 1024 * 1024;

type ExecutionHandle = ChildWorkflowHandle<(input: ExecutionWorkflowInput) => Promise<WorkflowOutcome>>;

/** In-flight window: `MaxConcurrency` (0 = none of the user's), capped at MAX_CHILDREN_IN_FLIGHT. */
function windowOf(maxConcurrency: number | undefined): number {
  return !maxConcurrency ? MAX_CHILDREN_IN_FLIGHT : Math.min(maxConcurrency, MAX_CHILDREN_IN_FLIGHT);
}

/**
 * A Distributed Map's Map Run: starts one child execution (a Stepflow execution with its own
 * history, running the ItemProcessor) per item or batch, at most `MaxConcurrency` at once (and
 * never more than MAX_CHILDREN_IN_FLIGHT), reading each child's input from the store by index.
 * Fails with `States.ExceedToleratedFailureThreshold` once failed (or timed-out, or aborted)
 * children exceed the tolerance, stopping the children still running; `stop` (the parent stopped)
 * stops them too and ends ABORTED; `updateMapRun` changes concurrency and tolerance while it runs.
 * Every CHILDREN_PER_RUN children it drains its window and continues as new, so any number of
 * items fits in Temporal's limits.
 */
export async function stepflowMapRun(args: MapRunWorkflowInput): Promise<MapRunWorkflowOutcome> {
  const { mapRunArn, total } = args;
  const settings: MapRunUpdate = { ...args.settings };
  let next = args.cursor?.next ?? 0;
  let failures = args.cursor?.failures ?? 0;
  let stopped: StopRequest | undefined;
  let changed = 0;
  setHandler(stopSignal, (request) => {
    stopped ??= request;
  });
  setHandler(updateMapRunSignal, (update) => {
    Object.assign(settings, update);
    changed += 1;
  });
  /** Children started and not yet ended (by index); `active` counts them from before Temporal started them. */
  const inFlight = new Map<number, ExecutionHandle>();
  let active = 0;
  let finished = 0;
  let ending = false;
  const exceeded = () =>
    exceedsTolerance(failures, total, settings.toleratedFailureCount, settings.toleratedFailurePercentage);
  const stopCause = () =>
    stopped
      ? `The Map Run '${mapRunArn}' was aborted`
      : `The Map Run '${mapRunArn}' failed: ${TOLERATED_FAILURE_CAUSE}`;

  const run = async (index: number, workflowInput: ExecutionWorkflowInput): Promise<void> => {
    active += 1;
    let outcome: WorkflowOutcome;
    try {
      const handle = await startChild<(input: ExecutionWorkflowInput) => Promise<WorkflowOutcome>>(EXECUTION_WORKFLOW, {
        workflowId: workflowInput.executionId,
        args: [
          {
            ...workflowInput,
            ...(args.limits ? { limits: args.limits } : {}),
            ...(args.bindings ? { bindings: args.bindings } : {}),
          },
        ],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Stopping a child records ExecutionAborted through its own workflow (the stop signal);
        // Temporal's cancellation would leave its row RUNNING.
        parentClosePolicy: 'ABANDON',
        cancellationType: 'ABANDON',
        memo: {
          stateMachine: workflowInput.execution.stateMachineName,
          parentExecutionId: args.parentExecutionId,
          startedBy: args.parentExecutionArn,
          mapRunArn,
        },
      });
      inFlight.set(index, handle);
      // The Map Run ended while this child was being started: it is stopped like the others.
      if (ending) await handle.signal(stopSignal, { cause: stopCause() }).catch(() => undefined);
      outcome = await handle.result();
    } catch (err) {
      outcome = {
        status: 'FAILED',
        error: StatesErrors.Runtime,
        cause: err instanceof Error ? err.message : String(err),
      };
    }
    inFlight.delete(index);
    active -= 1;
    finished += 1;
    if (outcome.status !== 'SUCCEEDED') failures += 1;
  };

  const pending: Promise<void>[] = [];
  let startedThisRun = 0;
  const window = () => windowOf(settings.maxConcurrency);
  const budgetLeft = () => startedThisRun < CHILDREN_PER_RUN && workflowInfo().historySize < RUN_HISTORY_BYTES;
  for (;;) {
    if (stopped || exceeded()) break;
    if (next < total && active < window() && budgetLeft()) {
      const count = Math.min(PREPARE_BATCH, total - next, window() - active);
      const children = await store.prepareMapRunChildren({ mapRunArn, from: next, count });
      next += count;
      for (const child of children) {
        if (child.done || !child.workflowInput) continue;
        startedThisRun += 1;
        pending.push(run(child.index, child.workflowInput));
      }
      continue;
    }
    if (active === 0 && (next >= total || !budgetLeft())) break;
    const seen = [finished, changed];
    await condition(() => !!stopped || finished !== seen[0] || changed !== seen[1]);
  }

  const failed = !stopped && exceeded();
  if (stopped || failed) {
    // The children still running are stopped (ABORTED through their own workflows).
    ending = true;
    const cause = stopCause();
    await CancellationScope.nonCancellable(() =>
      Promise.all([...inFlight.values()].map((handle) => handle.signal(stopSignal, { cause }).catch(() => undefined))),
    );
    await Promise.all(pending);
    const outcome: MapRunWorkflowOutcome = failed
      ? { status: 'FAILED', error: StatesErrors.ExceedToleratedFailureThreshold, cause: TOLERATED_FAILURE_CAUSE }
      : {
          status: 'ABORTED',
          error: stopped?.error ?? 'States.Aborted',
          cause: stopped?.cause ?? 'The Map Run was aborted',
        };
    await CancellationScope.nonCancellable(() => store.finishMapRun({ mapRunArn, ...outcome }));
    return outcome;
  }
  await Promise.all(pending);
  if (next < total) {
    const runs = (args.cursor?.runs ?? 0) + 1;
    log.info('map run continuing as new', { mapRunArn, next, failures, runs });
    const again = makeContinueAsNewFunc<typeof stepflowMapRun>();
    return again({ ...args, settings, cursor: { next, failures, runs } });
  }
  await store.finishMapRun({ mapRunArn, status: 'SUCCEEDED' });
  return { status: 'SUCCEEDED' };
}
