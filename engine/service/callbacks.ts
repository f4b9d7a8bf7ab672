import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  taskCallbackUpdate,
  taskHeartbeatUpdate,
  taskStartedSignal,
  type TaskCallback,
} from '../../workflows/messages';
import { DomainError } from './errors';
import { findActivity } from '../db/activities-repo';
import { claimActivityTask, deleteActivityTask } from '../db/activity-tasks-repo';
import { findExecution } from '../db/executions-repo';
import type { ServiceDeps } from './deps';
import { InvalidTaskTokenError, taskTokenSecret, verifyTaskToken, type TaskTokenClaims } from './task-tokens';

/** How long GetActivityTask holds the request when no task is queued (Step Functions: 60 s). */
export const ACTIVITY_POLL_WAIT_MS = 60_000;
const ACTIVITY_POLL_INTERVAL_MS = 200;
/** Step Functions' limit on SendTaskSuccess's output: 256 KiB. */
const MAX_OUTPUT_BYTES = 256 * 1024;

/** The claims of a token, or `INVALID_TOKEN`. */
async function claimsOf(deps: ServiceDeps, token: string): Promise<TaskTokenClaims> {
  try {
    return verifyTaskToken(await taskTokenSecret(deps.pool, deps.config.STEPFLOW_TOKEN_SECRET), token);
  } catch (err) {
    if (err instanceof InvalidTaskTokenError) throw new DomainError('INVALID_TOKEN', "Invalid Token: 'Invalid token'");
    throw err;
  }
}

/** Delivers a message to the task waiting with the token; no waiting task → TaskTimedOut / TaskDoesNotExist. */
async function deliver(
  deps: ServiceDeps,
  token: string,
  send: (claims: TaskTokenClaims) => Promise<void>,
): Promise<void> {
  const claims = await claimsOf(deps, token);
  try {
    await send(claims);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
      const execution = await findExecution(deps.pool, claims.executionId);
      if (!execution)
        throw new DomainError('TASK_DOES_NOT_EXIST', "Task Does Not Exist: 'Provided task does not exist'");
      throw new DomainError('TASK_TIMED_OUT', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw err;
  }
}

/** Sends a callback outcome to the execution's workflow (a Temporal update: accepted or refused). */
async function complete(deps: ServiceDeps, token: string, callback: (nonce: string) => TaskCallback): Promise<void> {
  await deliver(deps, token, async (claims) => {
    await deps.temporal.workflow
      .getHandle(claims.executionId)
      .executeUpdate(taskCallbackUpdate, { args: [callback(claims.nonce)] });
    await deleteActivityTask(deps.pool, claims.nonce);
    deps.log.info({ executionId: claims.executionId }, 'task callback delivered');
  });
}

/** SendTaskSuccess: the waiting Task succeeds with `output` (JSON text). */
export async function sendTaskSuccess(deps: ServiceDeps, token: string, output: string): Promise<void> {
  if (Buffer.byteLength(output, 'utf8') > MAX_OUTPUT_BYTES) {
    throw new DomainError(
      'INVALID_OUTPUT',
      `Invalid Output: 'The output exceeds the maximum size of ${MAX_OUTPUT_BYTES} bytes'`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new DomainError('INVALID_OUTPUT', `Invalid Output: '${output}'`);
  }
  await complete(deps, token, (nonce) => ({ nonce, output: parsed }));
}

/** SendTaskFailure: the waiting Task fails with `error` and `cause` (Retry/Catch apply). */
export async function sendTaskFailure(deps: ServiceDeps, token: string, error?: string, cause?: string): Promise<void> {
  await complete(deps, token, (nonce) => ({
    nonce,
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
  }));
}

/** SendTaskHeartbeat: restarts the waiting Task's `HeartbeatSeconds` clock. */
export async function sendTaskHeartbeat(deps: ServiceDeps, token: string): Promise<void> {
  await deliver(deps, token, async (claims) => {
    await deps.temporal.workflow
      .getHandle(claims.executionId)
      .executeUpdate(taskHeartbeatUpdate, { args: [{ nonce: claims.nonce }] });
  });
}

/**
 * GetActivityTask: long-polls (up to `waitMs`) for a task queued for the activity and claims it
 * for this worker — several pollers never get the same task. Returns `{}` when none came.
 */
export async function getActivityTask(
  deps: ServiceDeps,
  activityName: string,
  workerName: string | undefined,
  waitMs = ACTIVITY_POLL_WAIT_MS,
  signal?: AbortSignal,
): Promise<{ taskToken?: string; input?: string }> {
  if (!(await findActivity(deps.pool, activityName)))
    throw new DomainError('ACTIVITY_NOT_FOUND', `Activity Does Not Exist: '${activityName}'`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const task = await claimActivityTask(deps.pool, activityName, workerName);
    if (task) {
      await deps.temporal.workflow
        .getHandle(task.executionId)
        .signal(taskStartedSignal, { nonce: task.nonce, ...(workerName ? { workerName } : {}) })
        .catch((err) => deps.log.warn({ err, executionId: task.executionId }, 'activity start not recorded'));
      return { taskToken: task.taskToken, input: JSON.stringify(task.input) };
    }
    if (Date.now() >= deadline || signal?.aborted) return {};
    await sleep(ACTIVITY_POLL_INTERVAL_MS);
  }
}
