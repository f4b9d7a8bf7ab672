import { WorkflowNotFoundError } from '@temporalio/client';
import { stopSignal, type StopRequest } from '../../workflows/messages';
import { ApiError } from '../api/errors';
import { abortExecution, findExecution } from '../db/executions-repo';
import type { ServiceDeps } from './deps';

/**
 * StopExecution: a RUNNING execution becomes ABORTED at once (with the optional error and cause),
 * and its workflow is signalled to cancel running functions and timers and record
 * `ExecutionAborted`. Stopping an execution that already ended changes nothing.
 */
export async function stopExecution(deps: ServiceDeps, executionId: string, request: StopRequest): Promise<{ stopDate: Date }> {
  const row = await findExecution(deps.pool, executionId);
  if (!row) throw new ApiError('EXECUTION_NOT_FOUND', `Execution '${executionId}' does not exist`);
  if (row.status !== 'RUNNING') return { stopDate: row.stopDate ?? new Date() };
  const stopDate = await abortExecution(deps.pool, executionId, request.error, request.cause);
  try {
    await deps.temporal.workflow.getHandle(executionId).signal(stopSignal, request);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  deps.log.info({ executionId }, 'execution stopped');
  return { stopDate: stopDate ?? new Date() };
}
