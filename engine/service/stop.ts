import { WorkflowNotFoundError } from '@temporalio/client';
import { stopSignal, type StopRequest } from '../../workflows/messages';
import { abortExecution } from '../db/executions-repo';
import { getExecution } from './describe';
import type { ServiceDeps } from './deps';
import { finishStop } from './reconcile';

/**
 * StopExecution: a RUNNING execution becomes ABORTED at once (with the optional error and cause),
 * and its workflow is signalled to cancel running functions and timers and record
 * `ExecutionAborted`. A workflow that has not closed after `STEPFLOW_STOP_GRACE_SECONDS` (its
 * workflow task keeps failing, say) is terminated and `ExecutionAborted` recorded for it (see
 * finishStop) — by this process without making the caller wait, or by the reconciler if this
 * process dies first. Stopping an execution that already ended changes nothing.
 */
export async function stopExecution(
  deps: ServiceDeps,
  executionId: string,
  request: StopRequest,
): Promise<{ stopDate: Date }> {
  const row = await getExecution(deps, executionId);
  if (row.status !== 'RUNNING') return { stopDate: row.stopDate ?? new Date() };
  const stopDate = await abortExecution(deps.pool, executionId, request.error, request.cause);
  try {
    await deps.temporal.workflow.getHandle(executionId).signal(stopSignal, request);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const check = setTimeout(() => {
    finishStop(deps, { executionId, error: request.error ?? null, cause: request.cause ?? null }).catch(
      (err: unknown) => deps.log.warn({ err, executionId }, 'stop not finished yet; the reconciler retries'),
    );
  }, deps.config.STEPFLOW_STOP_GRACE_SECONDS * 1000);
  check.unref();
  deps.log.info({ executionId }, 'execution stopped');
  return { stopDate: stopDate ?? new Date() };
}
