import type { Queryable } from './pool';
import { storedPayload } from './executions-repo';

/** A Map Run's status (DescribeMapRun). */
export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** One Map Run as stored. */
export interface MapRunRow {
  mapRunArn: string;
  executionId: string;
  stateName: string;
  label: string;
  status: MapRunStatus;
  executionType: 'STANDARD' | 'EXPRESS';
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  itemCount: number;
  childCount: number;
  error: string | null;
  cause: string | null;
  startDate: Date;
  stopDate: Date | null;
  redriveCount: number;
  redriveDate: Date | null;
  parentRedriveCount: number;
  /** Child executions, and the items they hold, whose records the ResultWriter last wrote to S3. */
  resultsWritten: number;
  itemsWritten: number;
}

const COLUMNS = `map_run_arn AS "mapRunArn", execution_id AS "executionId", state_name AS "stateName", label,
  status, execution_type AS "executionType", max_concurrency AS "maxConcurrency",
  tolerated_failure_count AS "toleratedFailureCount", tolerated_failure_percentage AS "toleratedFailurePercentage",
  item_count AS "itemCount", child_count AS "childCount", error, cause, start_date AS "startDate",
  stop_date AS "stopDate", redrive_count AS "redriveCount", redrive_date AS "redriveDate",
  parent_redrive_count AS "parentRedriveCount", results_written AS "resultsWritten", items_written AS "itemsWritten"`;

/** Stores a new Map Run and its children's inputs (idempotent: a repeated call stores nothing twice). */
export async function insertMapRun(
  db: Queryable,
  run: {
    mapRunArn: string;
    executionId: string;
    stateName: string;
    label: string;
    executionType: 'STANDARD' | 'EXPRESS';
    maxConcurrency: number;
    toleratedFailureCount: number;
    toleratedFailurePercentage: number;
    plan: unknown;
    parentRedriveCount: number;
    /** The children's inputs, in item order, and how many items each holds. */
    inputs: unknown[];
    sizes: number[];
  },
): Promise<void> {
  const itemCount = run.sizes.reduce((sum, size) => sum + size, 0);
  await db.query(
    `INSERT INTO map_runs (map_run_arn, execution_id, state_name, label, status, execution_type, max_concurrency,
       tolerated_failure_count, tolerated_failure_percentage, item_count, child_count, plan, parent_redrive_count)
     VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, $7, $8, $9, $10, $11::json, $12)
     ON CONFLICT DO NOTHING`,
    [
      run.mapRunArn,
      run.executionId,
      run.stateName,
      run.label,
      run.executionType,
      run.maxConcurrency,
      run.toleratedFailureCount,
      run.toleratedFailurePercentage,
      itemCount,
      run.inputs.length,
      JSON.stringify(run.plan),
      run.parentRedriveCount,
    ],
  );
  await insertMapRunItems(db, run.mapRunArn, 0, run.inputs, run.sizes);
}

/** Stores children's inputs `inputs` at indexes `from`…, each holding `sizes[i]` items (idempotent). */
export async function insertMapRunItems(
  db: Queryable,
  mapRunArn: string,
  from: number,
  inputs: unknown[],
  sizes: number[],
): Promise<void> {
  // One statement per chunk: the items go in as one JSON array text each.
  const CHUNK = 5_000;
  for (let at = 0; at < inputs.length; at += CHUNK) {
    await db.query(
      `INSERT INTO map_run_items (map_run_arn, item_index, item, size)
       SELECT $1, $2::integer + (e.ordinality - 1)::integer, e.value, s.size
         FROM json_array_elements($3::json) WITH ORDINALITY AS e(value, ordinality)
         JOIN unnest($4::integer[]) WITH ORDINALITY AS s(size, ordinality) ON s.ordinality = e.ordinality
       ON CONFLICT DO NOTHING`,
      [mapRunArn, from + at, JSON.stringify(inputs.slice(at, at + CHUNK)), sizes.slice(at, at + CHUNK)],
    );
  }
}

/** Sets a Map Run's item and child counts once its items are stored (an ItemReader's, read page by page). */
export async function setMapRunCounts(
  db: Queryable,
  mapRunArn: string,
  counts: { itemCount: number; childCount: number },
): Promise<void> {
  await db.query(`UPDATE map_runs SET item_count = $2, child_count = $3 WHERE map_run_arn = $1`, [
    mapRunArn,
    counts.itemCount,
    counts.childCount,
  ]);
}

/**
 * Records how many child executions (and items) the Map Run's ResultWriter wrote: set, not
 * added, because each write covers every item's latest child (a redrive writes them all again).
 */
export async function setMapRunResultsWritten(
  db: Queryable,
  mapRunArn: string,
  written: { children: number; items: number },
): Promise<void> {
  await db.query(`UPDATE map_runs SET results_written = $2, items_written = $3 WHERE map_run_arn = $1`, [
    mapRunArn,
    written.children,
    written.items,
  ]);
}

/** One Map Run by ARN. */
export async function findMapRun(db: Queryable, mapRunArn: string): Promise<MapRunRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM map_runs WHERE map_run_arn = $1`, [mapRunArn]);
  return rows[0];
}

/**
 * The Map Run a redriven parent reopens: the latest one of the same state that did not succeed
 * and was started (or last redriven) by an earlier run of the parent.
 */
export async function findRedrivableMapRun(
  db: Queryable,
  executionId: string,
  stateName: string,
  parentRedriveCount: number,
): Promise<MapRunRow | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM map_runs
      WHERE execution_id = $1 AND state_name = $2
        AND ((status IN ('FAILED', 'ABORTED') AND parent_redrive_count < $3)
          -- reopened by an earlier attempt of the same activity
          OR (status = 'RUNNING' AND parent_redrive_count = $3 AND redrive_count > 0))
      ORDER BY start_date DESC LIMIT 1`,
    [executionId, stateName, parentRedriveCount],
  );
  return rows[0];
}

/** Reopens a Map Run for its parent's redrive (RUNNING, redrive count + 1). */
export async function reopenMapRun(db: Queryable, mapRunArn: string, parentRedriveCount: number): Promise<void> {
  await db.query(
    `UPDATE map_runs SET status = 'RUNNING', error = NULL, cause = NULL, stop_date = NULL,
       redrive_count = redrive_count + 1, redrive_date = now(), parent_redrive_count = $2
     WHERE map_run_arn = $1 AND parent_redrive_count < $2`,
    [mapRunArn, parentRedriveCount],
  );
}

/** Records how a Map Run ended (a run that already ended keeps its outcome). */
export async function finishMapRun(
  db: Queryable,
  mapRunArn: string,
  outcome: { status: Exclude<MapRunStatus, 'RUNNING'>; error?: string; cause?: string },
): Promise<void> {
  await db.query(
    `UPDATE map_runs SET status = $2, error = $3, cause = $4, stop_date = now()
      WHERE map_run_arn = $1 AND status = 'RUNNING'`,
    [mapRunArn, outcome.status, outcome.error ?? null, outcome.cause ?? null],
  );
}

/**
 * A SUCCEEDED Map Run whose ResultWriter could not write its results: FAILED with the writer's
 * error (`States.ResultWriterFailed`), so that a redrive of the parent reopens it — its children
 * all succeeded and none runs again — and writes the results again.
 */
export async function failMapRunResults(
  db: Queryable,
  mapRunArn: string,
  outcome: { error: string; cause: string },
): Promise<void> {
  await db.query(
    `UPDATE map_runs SET status = 'FAILED', error = $2, cause = $3 WHERE map_run_arn = $1 AND status = 'SUCCEEDED'`,
    [mapRunArn, outcome.error, outcome.cause],
  );
}

/** UpdateMapRun: new settings of a RUNNING Map Run; false when it is not running. */
export async function updateMapRunSettings(
  db: Queryable,
  mapRunArn: string,
  update: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE map_runs SET max_concurrency = COALESCE($2, max_concurrency),
       tolerated_failure_count = COALESCE($3, tolerated_failure_count),
       tolerated_failure_percentage = COALESCE($4, tolerated_failure_percentage)
     WHERE map_run_arn = $1 AND status = 'RUNNING'`,
    [
      mapRunArn,
      update.maxConcurrency ?? null,
      update.toleratedFailureCount ?? null,
      update.toleratedFailurePercentage ?? null,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** The Map Runs of an execution, oldest first, a page at a time (keyset on start date and ARN). */
export async function listMapRuns(
  db: Queryable,
  executionId: string,
  limit: number,
  after?: { startDate: string; mapRunArn: string },
): Promise<Array<MapRunRow & { startKey: string }>> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS}, to_char(start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startKey"
       FROM map_runs
      WHERE execution_id = $1 AND ($3::timestamptz IS NULL OR (start_date, map_run_arn) > ($3::timestamptz, $4::text))
      ORDER BY start_date, map_run_arn LIMIT $2`,
    [executionId, limit, after?.startDate ?? null, after?.mapRunArn ?? null],
  );
  return rows;
}

/** Joins each row of `map_run_items i` to its item's latest child execution as `latest` (`columns` of `executions e`). */
const LATEST_CHILD = (columns: string) =>
  `LEFT JOIN LATERAL (SELECT ${columns} FROM executions e
     WHERE e.map_run_arn = i.map_run_arn AND e.map_run_index = i.item_index
     ORDER BY e.start_date DESC, e.execution_id DESC LIMIT 1) latest ON true`;

/** Children (and their items) by status, counting each item's latest child only (DescribeMapRun). */
export interface MapRunCounts {
  children: Record<string, number>;
  items: Record<string, number>;
}

/** The latest child of each item, by status; items without a child are PENDING. */
export async function countMapRunChildren(db: Queryable, mapRunArn: string): Promise<MapRunCounts> {
  const { rows } = await db.query(
    `SELECT COALESCE(latest.status, 'PENDING') AS status, count(*)::integer AS children, sum(i.size)::integer AS items
       FROM map_run_items i
       ${LATEST_CHILD('e.status')}
      WHERE i.map_run_arn = $1
      GROUP BY 1`,
    [mapRunArn],
  );
  const counts: MapRunCounts = { children: {}, items: {} };
  for (const row of rows as Array<{ status: string; children: number; items: number }>) {
    counts.children[row.status] = row.children;
    counts.items[row.status] = row.items;
  }
  return counts;
}

/**
 * Items `from`…`from + count - 1` of the Map Run with their latest child's status: what a
 * (re)started Map Run must still run.
 */
export async function mapRunItemsToRun(
  db: Queryable,
  mapRunArn: string,
  from: number,
  count: number,
): Promise<Array<{ index: number; status: string | null }>> {
  const { rows } = await db.query(
    `SELECT i.item_index AS index, latest.status
       FROM map_run_items i
       ${LATEST_CHILD('e.status')}
      WHERE i.map_run_arn = $1 AND i.item_index >= $2 AND i.item_index < $2 + $3
      ORDER BY i.item_index`,
    [mapRunArn, from, count],
  );
  return rows;
}

/**
 * Stores the child executions of items (RUNNING, workflow started by the Map Run, input read from
 * the Map Run's items; `express` for an EXPRESS Map Run); a child already stored keeps its row. Returns the rows' start dates.
 */
export async function insertMapRunChildren(
  db: Queryable,
  mapRunArn: string,
  parent: { stateMachine: string; version: number },
  children: Array<{ index: number; executionId: string; name: string }>,
): Promise<Map<string, Date>> {
  if (children.length === 0) return new Map();
  await db.query(
    `INSERT INTO executions (execution_id, state_machine, version, name, status, input, workflow_started,
                             map_run_arn, map_run_index, express)
     SELECT c.id, $2, $3, c.name, 'RUNNING', i.item, true, $1, c.idx, m.execution_type = 'EXPRESS'
       FROM unnest($4::integer[], $5::text[], $6::text[]) AS c(idx, id, name)
       JOIN map_run_items i ON i.map_run_arn = $1 AND i.item_index = c.idx
       JOIN map_runs m ON m.map_run_arn = $1
     ON CONFLICT DO NOTHING`,
    [
      mapRunArn,
      parent.stateMachine,
      parent.version,
      children.map((child) => child.index),
      children.map((child) => child.executionId),
      children.map((child) => child.name),
    ],
  );
  const { rows } = await db.query(
    `SELECT execution_id AS "executionId", start_date AS "startDate" FROM executions WHERE execution_id = ANY($1::text[])`,
    [children.map((child) => child.executionId)],
  );
  return new Map(
    (rows as Array<{ executionId: string; startDate: Date }>).map((row) => [row.executionId, row.startDate]),
  );
}

/** A Map Run child's plan and input (read when its workflow starts). */
export async function findMapRunChild(
  db: Queryable,
  executionId: string,
): Promise<{ plan: unknown; input: unknown } | undefined> {
  const { rows } = await db.query(
    `SELECT m.plan, ${storedPayload('input', 'e')} AS input FROM executions e JOIN map_runs m ON m.map_run_arn = e.map_run_arn
      WHERE e.execution_id = $1`,
    [executionId],
  );
  return rows[0];
}

/**
 * The Map Run's results in item order: each item's latest child's output, or `{Error, Cause}`
 * for a child that did not succeed.
 */
export async function mapRunResults(db: Queryable, mapRunArn: string): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT latest.status, latest.output, latest.error, latest.cause
       FROM map_run_items i
       ${LATEST_CHILD(`e.status, ${storedPayload('output', 'e')} AS output, e.error, e.cause`)}
      WHERE i.map_run_arn = $1
      ORDER BY i.item_index`,
    [mapRunArn],
  );
  return (rows as Array<{ status: string | null; output: unknown; error: string | null; cause: string | null }>).map(
    (row) =>
      row.status === 'SUCCEEDED'
        ? row.output
        : { Error: row.error ?? 'States.Runtime', Cause: row.cause ?? 'The child execution did not run' },
  );
}

/** One child of a Map Run as a ResultWriter record needs it: its latest execution, if any (JSON as text). */
export interface MapRunChildRecord {
  index: number;
  /** The item's input, as JSON text. */
  item: string;
  /** How many items the input holds (a batch's `Items`). */
  size: number;
  executionId: string | null;
  name: string | null;
  status: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  startDate: Date | null;
  stopDate: Date | null;
  redriveCount: number | null;
}

/** Up to `limit` children of a Map Run from item `from` on, in item order, each with its latest execution. */
export async function mapRunChildRecords(
  db: Queryable,
  mapRunArn: string,
  from: number,
  limit: number,
): Promise<MapRunChildRecord[]> {
  const { rows } = await db.query(
    `SELECT i.item_index AS index, i.item::text AS item, i.size, latest.execution_id AS "executionId", latest.name,
            latest.status, latest.output::text AS output, latest.error, latest.cause,
            latest.start_date AS "startDate", latest.stop_date AS "stopDate", latest.redrive_count AS "redriveCount"
       FROM map_run_items i
       ${LATEST_CHILD(
         `e.execution_id, e.name, e.status, ${storedPayload('output', 'e')} AS output, e.error, e.cause, e.start_date, e.stop_date, e.redrive_count`,
       )}
      WHERE i.map_run_arn = $1 AND i.item_index >= $2
      ORDER BY i.item_index
      LIMIT $3`,
    [mapRunArn, from, limit],
  );
  return rows as MapRunChildRecord[];
}
