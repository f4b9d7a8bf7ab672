import type { Queryable } from './pool';

/** Queues a task for the workers of an activity (idempotent per nonce: redelivery keeps one row). */
export async function enqueueActivityTask(
  db: Queryable,
  task: {
    nonce: string;
    activityName: string;
    executionId: string;
    taskToken: string;
    input: unknown;
    timeoutSeconds?: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO activity_tasks (token_nonce, activity_name, execution_id, task_token, input, expires_at)
     VALUES ($1, $2, $3, $4, $5::json, CASE WHEN $6::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $6::integer) END)
     ON CONFLICT (token_nonce) DO NOTHING`,
    [
      task.nonce,
      task.activityName,
      task.executionId,
      task.taskToken,
      JSON.stringify(task.input ?? null),
      task.timeoutSeconds ?? null,
    ],
  );
}

/** Claims the oldest queued, unexpired task of an activity for one worker; undefined when none. */
export async function claimActivityTask(
  db: Queryable,
  activityName: string,
  workerName: string | undefined,
): Promise<{ nonce: string; executionId: string; taskToken: string; input: unknown } | undefined> {
  const { rows } = await db.query(
    `UPDATE activity_tasks SET status = 'STARTED', worker_name = $2
      WHERE token_nonce = (
        SELECT token_nonce FROM activity_tasks
         WHERE activity_name = $1 AND status = 'QUEUED' AND (expires_at IS NULL OR expires_at > now())
         ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING token_nonce AS nonce, execution_id AS "executionId", task_token AS "taskToken", input`,
    [activityName, workerName ?? null],
  );
  return rows[0];
}

/** Removes an answered (or abandoned) task. */
export async function deleteActivityTask(db: Queryable, nonce: string): Promise<void> {
  await db.query('DELETE FROM activity_tasks WHERE token_nonce = $1', [nonce]);
}
