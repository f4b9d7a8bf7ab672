import { WorkflowNotFoundError } from '@temporalio/client';
import { StatesErrors } from '../core/errors';
import { withTransaction } from '../db/pool';
import {
  failExecution,
  findExecution,
  listPendingStops,
  markStopFinalized,
  type ExecutionRow,
} from '../db/executions-repo';
import { appendClosingEvent } from '../db/terminal-events-repo';
import { EXECUTION_WORKFLOW } from '../../workflows/messages';
import type { ServiceDeps } from './deps';

/**
 * Ends the Temporal workflow of a stopped execution that did not close by itself within the grace
 * period (a workflow task that keeps failing never sees the stop signal), then records
 * `ExecutionAborted` after the last stored event unless the workflow recorded it. Idempotent:
 * the API calls it after the grace period, and the reconciler again after a crash.
 */
export async function finishStop(
  deps: ServiceDeps,
  row: Pick<ExecutionRow, 'executionId' | 'error' | 'cause'>,
): Promise<void> {
  const { executionId } = row;
  const current = await findExecution(deps.pool, executionId);
  // Redriven since, or already closed by its own workflow (which cleared the pending stop).
  if (!current || current.status !== 'ABORTED') return;
  const handle = deps.temporal.workflow.getHandle(executionId);
  let terminated = false;
  try {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') {
      await handle.terminate(
        `StopExecution: the workflow did not stop within ${deps.config.STEPFLOW_STOP_GRACE_SECONDS} seconds`,
      );
      terminated = true;
    }
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const recorded = await withTransaction(deps.pool, async (client) => {
    const written = await appendClosingEvent(client, executionId, {
      type: 'ExecutionAborted',
      detailsKey: 'executionAbortedEventDetails',
      details: { error: row.error ?? undefined, cause: row.cause ?? undefined },
    });
    await markStopFinalized(client, executionId, written);
    return written;
  });
  if (terminated || recorded)
    deps.log.warn({ executionId, terminated, recorded }, 'stop finished by terminating the workflow');
}

/** Finishes every stop whose grace period is over (see finishStop). Returns how many it looked at. */
export async function finishPendingStops(deps: ServiceDeps): Promise<number> {
  const rows = await listPendingStops(deps.pool, deps.config.STEPFLOW_STOP_GRACE_SECONDS);
  for (const row of rows) {
    try {
      await finishStop(deps, row);
    } catch (err) {
      deps.log.warn({ err, executionId: row.executionId }, 'stop not finished yet');
    }
  }
  return rows.length;
}

/**
 * Visibility query for executions whose workflow task keeps failing or timing out: Temporal sets
 * `TemporalReportedProblems` after 5 consecutive failures (the server's
 * `system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute`), so one query finds them
 * however many executions run.
 */
const STUCK_QUERY = `WorkflowType = '${EXECUTION_WORKFLOW}' AND ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL`;

/**
 * The attempt at which a workflow task with these problems (Temporal's `TemporalReportedProblems`,
 * e.g. `category=WorkflowTaskTimedOut`) ends its execution: STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS
 * when the task only timed out (a lost or starved worker, which a live worker cures), else
 * STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS (it failed: a poison execution).
 */
export function attemptsBeforeEnding(
  problems: unknown,
  config: Pick<ServiceDeps['config'], 'STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS' | 'STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS'>,
): number {
  const reported = Array.isArray(problems) ? problems.map(String) : [];
  const categories = reported.filter((p) => p.startsWith('category='));
  const timedOutOnly = categories.length > 0 && categories.every((p) => p === 'category=WorkflowTaskTimedOut');
  return timedOutOnly ? config.STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS : config.STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS;
}

/**
 * Ends executions whose workflow task failed STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS times in a row
 * (a poison execution that crashes or stalls every worker it reaches; see attemptsBeforeEnding
 * for one that only timed out): terminates the workflow,
 * then records `ExecutionFailed` with `States.Runtime` after the last stored event and marks the
 * execution FAILED. Returns the ids it ended.
 */
export async function failStuckWorkflows(deps: ServiceDeps, limit = 100): Promise<string[]> {
  const ended: string[] = [];
  let seen = 0;
  for await (const workflow of deps.temporal.workflow.list({ query: STUCK_QUERY })) {
    if (++seen > limit) break;
    const executionId = workflow.workflowId;
    try {
      const handle = deps.temporal.workflow.getHandle(executionId);
      const description = await handle.describe();
      const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
      const problems = workflow.searchAttributes?.TemporalReportedProblems;
      if (description.status.name !== 'RUNNING' || attempt < attemptsBeforeEnding(problems, deps.config)) continue;
      const cause =
        `The execution's workflow task failed ${attempt - 1} times in a row (${Array.isArray(problems) ? problems.join(', ') : 'no details'}); ` +
        'Stepflow ended the execution. See the worker logs for the error.';
      await handle.terminate(cause);
      await withTransaction(deps.pool, async (client) => {
        const failed = await failExecution(client, executionId, StatesErrors.Runtime, cause);
        if (failed) {
          await appendClosingEvent(client, executionId, {
            type: 'ExecutionFailed',
            detailsKey: 'executionFailedEventDetails',
            details: { error: StatesErrors.Runtime, cause },
          });
        }
      });
      ended.push(executionId);
      deps.log.error({ executionId, attempt }, 'execution ended: its workflow task kept failing');
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue;
      deps.log.warn({ err, executionId }, 'could not end a stuck execution');
    }
  }
  return ended;
}
