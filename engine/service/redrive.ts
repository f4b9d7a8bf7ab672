import type { Plan } from '../../schemas/plan';
import type { ResumePoint } from '../core/interpreter';
import { EXECUTION_WORKFLOW } from '../../workflows/messages';
import { DomainError } from './errors';
import { hasEventOfType, lastEvent } from '../db/events-repo';
import {
  findExecution,
  findResumePoint,
  reopenForRedrive,
  undoRedrive,
  type ExecutionRow,
} from '../db/executions-repo';
import { findVersion } from '../db/state-machines-repo';
import type { ServiceDeps } from './deps';
import { deploymentLimits, workflowInput } from './start';
import { currentBindings } from '../resources/bindings';

/** Step Functions redrives an execution up to 14 days after it ended. */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
const REDRIVABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** Whether an execution can be redriven now, and why not (DescribeExecution's redriveStatus). */
export function redriveStatusOf(
  row: ExecutionRow,
  type: 'STANDARD' | 'EXPRESS',
  now = Date.now(),
): { redrivable: boolean; reason?: string } {
  if (type === 'EXPRESS') return { redrivable: false, reason: 'Execution is an EXPRESS execution' };
  if (!REDRIVABLE.has(row.status)) return { redrivable: false, reason: `Execution is ${row.status}` };
  if (row.stopDate && now - row.stopDate.getTime() > REDRIVE_WINDOW_MS) {
    return { redrivable: false, reason: 'Execution ended more than 14 days ago' };
  }
  return { redrivable: true };
}

/**
 * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues from the state(s) that
 * did not succeed, with the input they had: a new run of its workflow resumes from the resume
 * point the last run recorded (finished Parallel branches and Map iterations keep their outputs)
 * and appends to the history after `ExecutionRedriven`. Same definition, same input.
 */
export async function redriveExecution(
  deps: ServiceDeps,
  executionId: string,
): Promise<{ redriveDate: Date; execution: ExecutionRow }> {
  const row = await findExecution(deps.pool, executionId);
  if (!row) throw new DomainError('EXECUTION_NOT_FOUND', `Execution Does Not Exist: '${executionId}'`);
  const version = await findVersion(deps.pool, row.stateMachine, row.version);
  if (!version) throw new DomainError('EXECUTION_NOT_FOUND', `Execution Does Not Exist: '${executionId}'`);
  const status = redriveStatusOf(row, version.type);
  if (!status.redrivable)
    throw new DomainError('EXECUTION_NOT_REDRIVABLE', `Execution cannot be redriven: ${status.reason}`);
  const handle = deps.temporal.workflow.getHandle(executionId);
  if ((await handle.describe()).status.name === 'RUNNING') {
    throw new DomainError(
      'EXECUTION_NOT_REDRIVABLE',
      'Execution cannot be redriven: it is still stopping; retry in a moment',
    );
  }
  const resume = (await findResumePoint(deps.pool, executionId)) as ResumePoint | undefined;
  if (!resume)
    throw new DomainError(
      'EXECUTION_NOT_REDRIVABLE',
      'Execution cannot be redriven: no resume point was recorded for it',
    );
  // A saga that already compensated has undone the steps a redrive would reuse: refuse it.
  if (await hasEventOfType(deps.pool, executionId, 'CompensationStarted')) {
    throw new DomainError(
      'EXECUTION_NOT_REDRIVABLE',
      'Execution cannot be redriven: its compensations have already run',
    );
  }
  const lastEventId = (await lastEvent(deps.pool, executionId))?.id ?? 0;
  const reopened = await reopenForRedrive(deps.pool, executionId);
  if (!reopened)
    throw new DomainError('EXECUTION_NOT_REDRIVABLE', 'Execution cannot be redriven: its status changed; retry');
  try {
    await deps.temporal.workflow.start(EXECUTION_WORKFLOW, {
      workflowId: executionId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [
        workflowInput(
          reopened,
          version.plan as Plan,
          { resume, lastEventId },
          deploymentLimits(deps.config),
          currentBindings(deps.config, deps.log),
        ),
      ],
      // The first run has closed; this start makes the next run of the same workflow id.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { stateMachine: row.stateMachine, version: row.version, redriveCount: reopened.redriveCount },
    });
  } catch (err) {
    await undoRedrive(deps.pool, row);
    deps.log.error({ err, executionId }, 'redrive start failed');
    throw new DomainError('SERVICE_UNAVAILABLE', 'The execution could not be redriven: Temporal is unavailable; retry');
  }
  deps.log.info({ executionId, redriveCount: reopened.redriveCount }, 'execution redriven');
  return { redriveDate: reopened.redriveDate as Date, execution: reopened };
}
