import { keyedTable } from './keyed-table';
import type { Queryable } from './pool';

/** A schedule as stored (Temporal holds its timer; this row is what the API lists). */
export interface ScheduleRow {
  name: string;
  stateMachine: string;
  version: number | null;
  alias: string | null;
  input: unknown;
  expression: string;
  timeZone: string;
  overlap: string;
  description: string;
  paused: boolean;
  createdAt: Date;
}

const COLUMNS = `name, state_machine AS "stateMachine", version, alias, input, expression, time_zone AS "timeZone",
  overlap, description, paused, created_at AS "createdAt"`;

/** Stores a new schedule; undefined when the name is taken. */
export async function insertSchedule(
  db: Queryable,
  row: Omit<ScheduleRow, 'createdAt' | 'paused'>,
): Promise<ScheduleRow | undefined> {
  const { rows } = await db.query(
    `INSERT INTO trigger_schedules (name, state_machine, version, alias, input, expression, time_zone, overlap, description)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    [
      row.name,
      row.stateMachine,
      row.version,
      row.alias,
      JSON.stringify(row.input),
      row.expression,
      row.timeZone,
      row.overlap,
      row.description,
    ],
  );
  return rows[0];
}

/** Schedules by name: one, a page after `after` (keyset paging), a delete. */
export const {
  find: findSchedule,
  list: listSchedules,
  remove: deleteSchedule,
} = keyedTable<ScheduleRow>('trigger_schedules', 'name', COLUMNS);

export async function setSchedulePaused(db: Queryable, name: string, paused: boolean): Promise<void> {
  await db.query('UPDATE trigger_schedules SET paused = $2 WHERE name = $1', [name, paused]);
}

/** An execution a schedule started, keyed by its nominal time. */
export interface ScheduleExecutionRow {
  scheduledTime: Date;
  executionId: string;
  startedAt: Date;
}

/** Records the execution started for a nominal time (a repeat keeps the first). */
export async function recordScheduleExecution(
  db: Queryable,
  schedule: string,
  scheduledTime: Date,
  executionId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO trigger_schedule_executions (schedule, scheduled_time, execution_id) VALUES ($1, $2, $3)
     ON CONFLICT (schedule, scheduled_time) DO NOTHING`,
    [schedule, scheduledTime, executionId],
  );
}

/** The executions a schedule started, newest nominal time first, before `before` (paging). */
export async function listScheduleExecutions(
  db: Queryable,
  schedule: string,
  limit: number,
  before?: Date,
): Promise<ScheduleExecutionRow[]> {
  const { rows } = await db.query(
    `SELECT scheduled_time AS "scheduledTime", execution_id AS "executionId", started_at AS "startedAt"
     FROM trigger_schedule_executions WHERE schedule = $1 AND ($2::timestamptz IS NULL OR scheduled_time < $2)
     ORDER BY scheduled_time DESC LIMIT $3`,
    [schedule, before ?? null, limit],
  );
  return rows;
}
