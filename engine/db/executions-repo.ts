import type { Queryable } from './pool';
import type { WorkflowOutcome } from '../../workflows/messages';
import { keptApart } from '../core/event-rows';

/** One execution as stored. */
export interface ExecutionRow {
  executionId: string;
  stateMachine: string;
  version: number;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  input: unknown;
  output: unknown;
  error: string | null;
  cause: string | null;
  startDate: Date;
  stopDate: Date | null;
  workflowStarted: boolean;
  /** The published version the execution runs, when started through a version or an alias. */
  publishedVersion: number | null;
  /** The alias the execution was started through. */
  alias: string | null;
  /** RedriveExecution count, and when it was last redriven. */
  redriveCount: number;
  redriveDate: Date | null;
  /** The OpenTelemetry trace it was started in (when traced). */
  traceId?: string | null;
  /** The Map Run this execution is a child of (a Distributed Map's item or batch). */
  mapRunArn?: string | null;
  /** An EXPRESS child of a Map Run: no history, not listed or described as an execution. */
  express?: boolean;
  /** In list results: the start date with Postgres' microseconds (`…T12:00:00.123456Z`), the keyset cursor. */
  startKey?: string;
}

/**
 * An execution's `input` or `output` (of `executions`, or of its alias `table`) wherever it is
 * kept: in the row, or for a large one (`keptApart`) in `execution_payloads` by its digest
 * (migration 080).
 */
export function storedPayload(column: 'input' | 'output', table?: string): string {
  const at = table === undefined ? '' : `${table}.`;
  return `COALESCE(${at}${column}, stepflow_payload(${at}execution_id, ${at}${column}_digest))`;
}

/** The row's columns but its input (which a start already holds: not read back and parsed). */
const COLUMNS_BUT_INPUT = `execution_id AS "executionId", state_machine AS "stateMachine", version, name, status,
  ${storedPayload('output')} AS output, error, cause, start_date AS "startDate", stop_date AS "stopDate",
  workflow_started AS "workflowStarted", published_version AS "publishedVersion", alias,
  redrive_count AS "redriveCount", redrive_date AS "redriveDate", trace_id AS "traceId",
  map_run_arn AS "mapRunArn", express`;
const COLUMNS = `${storedPayload('input')} AS input, ${COLUMNS_BUT_INPUT}`;

/** Inserts a new RUNNING execution; returns undefined when the (state machine, name) pair exists. */
export async function insertExecution(
  db: Queryable,
  row: {
    executionId: string;
    stateMachine: string;
    version: number;
    name: string;
    input: unknown;
    /** The input's JSON text, when the caller has it already (else serialised here). */
    inputText?: string;
    publishedVersion?: number;
    alias?: string;
    /** The trace the start runs in (DescribeExecution's `traceId`). */
    traceId?: string;
  },
  /**
   * Insert only while the machine exists, `version` is its current one and its tracing flag is
   * this (a definition read earlier, checked in the same statement instead of read again).
   */
  current?: { tracingEnabled: boolean | null },
): Promise<ExecutionRow | undefined> {
  const inputText = row.inputText ?? JSON.stringify(row.input);
  // A large input goes to execution_payloads in the same statement (the ExecutionStarted event
  // that carries the same text then finds it stored).
  const { rows } = await db.query(
    `WITH large_input AS (SELECT sha256(convert_to($5::text, 'UTF8')) AS digest WHERE $11),
     inserted AS (
       INSERT INTO executions (execution_id, state_machine, version, name, status, input, input_digest,
                               published_version, alias, trace_id)
       SELECT $1, $2, $3, $4, 'RUNNING', CASE WHEN $11 THEN NULL ELSE $5::text::json END,
              (SELECT digest FROM large_input), $6, $7, $8
        WHERE NOT $9 OR EXISTS (SELECT 1 FROM state_machines m WHERE m.name = $2 AND m.deleted_at IS NULL
          AND m.latest_version = $3 AND m.tracing_enabled IS NOT DISTINCT FROM $10)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS_BUT_INPUT}),
     kept AS (
       INSERT INTO execution_payloads (execution_id, digest, body)
       SELECT i."executionId", l.digest, $5::text FROM inserted i, large_input l)
     SELECT * FROM inserted`,
    [
      row.executionId,
      row.stateMachine,
      row.version,
      row.name,
      inputText,
      row.publishedVersion ?? null,
      row.alias ?? null,
      row.traceId ?? null,
      current !== undefined,
      current?.tracingEnabled ?? null,
      keptApart(inputText),
    ],
  );
  return rows[0] && { ...rows[0], input: row.input };
}

/** One execution by id. */
export async function findExecution(db: Queryable, executionId: string): Promise<ExecutionRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM executions WHERE execution_id = $1`, [executionId]);
  return rows[0];
}

/**
 * Marks that the execution's workflow exists in Temporal and, when its start was traced, keeps
 * the trace id (the first one: a repaired start keeps the trace it was first given). One write.
 */
export async function markWorkflowStarted(db: Queryable, executionId: string, traceId?: string): Promise<void> {
  await db.query(
    'UPDATE executions SET workflow_started = true, trace_id = COALESCE(trace_id, $2) WHERE execution_id = $1',
    [executionId, traceId ?? null],
  );
}

/** Records that the workflows of these executions were started (their trace ids were written with them). */
export async function markWorkflowsStarted(db: Queryable, executionIds: string[]): Promise<void> {
  await db.query('UPDATE executions SET workflow_started = true WHERE execution_id = ANY($1::text[])', [executionIds]);
}

/** Deletes an execution whose workflow could not be started (so the caller may retry). */
export async function deleteUnstartedExecution(db: Queryable, executionId: string): Promise<void> {
  await db.query('DELETE FROM executions WHERE execution_id = $1 AND workflow_started = false', [executionId]);
}

/** RUNNING executions whose workflow start was not confirmed, older than `olderThanMs`. */
export async function listUnstartedExecutions(db: Queryable, olderThanMs: number): Promise<ExecutionRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM executions
      WHERE status = 'RUNNING' AND workflow_started = false AND start_date < now() - ($1 || ' milliseconds')::interval
      ORDER BY start_date LIMIT 100`,
    [String(olderThanMs)],
  );
  return rows;
}

/** Records how the execution ended (only a RUNNING one changes: the first outcome wins). */
export async function completeExecution(
  db: Queryable,
  executionId: string,
  outcome: WorkflowOutcome,
  stopDate: string,
  resume?: unknown,
): Promise<void> {
  const output = outcome.status === 'SUCCEEDED' ? JSON.stringify(outcome.output ?? null) : null;
  const error = outcome.status === 'SUCCEEDED' ? null : (outcome.error ?? null);
  const cause = outcome.status === 'SUCCEEDED' ? null : (outcome.cause ?? null);
  await db.query(
    `UPDATE executions SET status = $2, output = $3::json, output_digest = NULL, error = $4, cause = $5, stop_date = $6,
        workflow_started = true
      WHERE execution_id = $1 AND status = 'RUNNING'`,
    [executionId, outcome.status, output, error, cause, stopDate],
  );
  // The run's resume point is kept even when a stop already closed the row (RedriveExecution);
  // the workflow closed by itself, so a pending stop needs no terminate any more.
  await db.query('UPDATE executions SET resume = $2::json, stop_requested_at = NULL WHERE execution_id = $1', [
    executionId,
    resume === undefined ? null : JSON.stringify(resume),
  ]);
}

/** Where the last run's states stood when it ended (what a redrive resumes from). */
export async function findResumePoint(db: Queryable, executionId: string): Promise<unknown> {
  const { rows } = await db.query('SELECT resume FROM executions WHERE execution_id = $1', [executionId]);
  return rows[0]?.resume ?? undefined;
}

/**
 * Reopens an ended (FAILED, TIMED_OUT, ABORTED) execution for a redrive: RUNNING again, one more
 * redrive. Returns the row, or undefined when it was not in a redrivable status (a race).
 */
export async function reopenForRedrive(db: Queryable, executionId: string): Promise<ExecutionRow | undefined> {
  const { rows } = await db.query(
    `UPDATE executions SET status = 'RUNNING', error = NULL, cause = NULL, output = NULL, output_digest = NULL, stop_date = NULL,
        redrive_count = redrive_count + 1, redrive_date = now(), stop_requested_at = NULL, stop_finalized = false
      WHERE execution_id = $1 AND status IN ('FAILED', 'TIMED_OUT', 'ABORTED')
      RETURNING ${COLUMNS}`,
    [executionId],
  );
  return rows[0];
}

/**
 * Marks a RUNNING execution ABORTED (StopExecution) with the optional error and cause; returns
 * the stop date, or undefined when it was not running.
 */
export async function abortExecution(
  db: Queryable,
  executionId: string,
  error: string | undefined,
  cause: string | undefined,
): Promise<Date | undefined> {
  const { rows } = await db.query(
    `UPDATE executions SET status = 'ABORTED', error = $2, cause = $3, stop_date = now(), stop_requested_at = now(), stop_finalized = false
      WHERE execution_id = $1 AND status = 'RUNNING' RETURNING stop_date AS "stopDate"`,
    [executionId, error ?? null, cause ?? null],
  );
  return rows[0]?.stopDate;
}

/**
 * Executions of a state machine (optionally only those started through a published version or an
 * alias), newest first, optionally by status; keyset on (start_date, id).
 */
export async function listExecutions(
  db: Queryable,
  filter: {
    stateMachine?: string;
    publishedVersion?: number;
    alias?: string;
    status?: string;
    /** ListExecutions' redriveFilter: redriven at least once (true) or never (false). */
    redriven?: boolean;
    /** Children of this Map Run only; without it, a state machine's list leaves Map Run children out. */
    mapRunArn?: string;
    /** Started at or after / before these times. */
    startedFrom?: Date;
    startedTo?: Date;
    limit: number;
    before?: { startDate: string; executionId: string };
  },
): Promise<ExecutionRow[]> {
  // The cursor keeps microseconds: a JavaScript Date would cut them, and rows started within the
  // same millisecond after the cut would be skipped.
  const { rows } = await db.query(
    `SELECT ${COLUMNS}, to_char(start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startKey" FROM executions
      WHERE ($1::text IS NULL OR state_machine = $1) AND ($2::text IS NULL OR status = $2)
        AND ($4::timestamptz IS NULL OR (start_date, execution_id) < ($4::timestamptz, $5::text))
        AND ($6::integer IS NULL OR published_version = $6) AND ($7::text IS NULL OR alias = $7)
        AND ($8::boolean IS NULL OR (redrive_count > 0) = $8)
        AND ($9::timestamptz IS NULL OR start_date >= $9) AND ($10::timestamptz IS NULL OR start_date < $10)
        AND (CASE WHEN $11::text IS NULL THEN $1::text IS NULL OR map_run_arn IS NULL ELSE map_run_arn = $11 END)
        AND NOT express
      ORDER BY start_date DESC, execution_id DESC LIMIT $3`,
    [
      filter.stateMachine ?? null,
      filter.status ?? null,
      filter.limit,
      filter.before?.startDate ?? null,
      filter.before?.executionId ?? null,
      filter.publishedVersion ?? null,
      filter.alias ?? null,
      filter.redriven ?? null,
      filter.startedFrom ?? null,
      filter.startedTo ?? null,
      filter.mapRunArn ?? null,
    ],
  );
  return rows;
}

/** Puts back how an execution had ended when its redrive could not start. */
export async function undoRedrive(db: Queryable, before: ExecutionRow): Promise<void> {
  await db.query(
    `UPDATE executions SET status = $2, error = $3, cause = $4, stop_date = $5, redrive_count = $6, redrive_date = $7
      WHERE execution_id = $1 AND status = 'RUNNING'`,
    [
      before.executionId,
      before.status,
      before.error,
      before.cause,
      before.stopDate,
      before.redriveCount,
      before.redriveDate,
    ],
  );
}

/** ABORTED executions whose workflow has not confirmed the stop for `graceSeconds` (oldest first). */
export async function listPendingStops(db: Queryable, graceSeconds: number, limit = 100): Promise<ExecutionRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM executions
      WHERE stop_requested_at IS NOT NULL AND status = 'ABORTED' AND stop_requested_at <= now() - ($1 || ' seconds')::interval
      ORDER BY stop_requested_at LIMIT $2`,
    [String(graceSeconds), limit],
  );
  return rows;
}

/** The stop of `executionId` is complete: its workflow is closed and `ExecutionAborted` recorded. */
export async function markStopFinalized(db: Queryable, executionId: string, byReconciler: boolean): Promise<void> {
  await db.query(
    'UPDATE executions SET stop_requested_at = NULL, stop_finalized = stop_finalized OR $2 WHERE execution_id = $1',
    [executionId, byReconciler],
  );
}

/** Fails a RUNNING execution whose workflow Stepflow had to terminate; false when it was not running. */
export async function failExecution(
  db: Queryable,
  executionId: string,
  error: string,
  cause: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE executions SET status = 'FAILED', error = $2, cause = $3, stop_date = now()
      WHERE execution_id = $1 AND status = 'RUNNING'`,
    [executionId, error, cause],
  );
  return (rowCount ?? 0) > 0;
}
