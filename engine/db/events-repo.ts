import type { Pool } from 'pg';
import type { Queryable } from './pool';
import type { HistoryEvent } from '../../schemas/history';
import { withTransaction } from './pool';
import { encodeEventBatch, keptApart, upgradeEventBatch, type EventBatchText } from '../core/event-rows';

/**
 * The CTEs that write batches of history events (`encodeEventBatch`'s text, see
 * `engine/core/event-rows.ts`), one statement for any number of batches and executions:
 * - `batch`: the batches, numbered (`no`), `source` being SQL that yields `(execution_id, text)`
 *   (one execution may have several); nothing for an execution that keeps no history (a Map
 *   Run's EXPRESS children, which AWS runs without one) or when `condition` (SQL) is false;
 * - `payload`: each batch's large payloads by (batch, index), with their SHA-256 and their size
 *   as a JSON string, parsed once;
 * - `stored`: those payloads, kept once per execution (one already stored is skipped);
 * - `written` (or the statement itself): the rows, idempotent per event id, with each large
 *   payload's place as `payload_refs` and the bytes the payloads add (each replaces a `null`) as
 *   `payload_bytes`, in (execution, event id) order, the order every writer locks them in.
 */
function eventBatchSql(source: string, condition = 'true'): { ctes: string; insert: string } {
  return {
    ctes: `batch AS (
       SELECT row_number() OVER () AS no, b.execution_id, b.text::json AS body
         FROM (${source}) AS b(execution_id, text)
        WHERE ${condition}
          AND NOT EXISTS (SELECT 1 FROM executions x WHERE x.execution_id = b.execution_id AND x.express)),
     payload AS (
       SELECT b.no, b.execution_id, p.n - 1 AS n, p.body, sha256(convert_to(p.body, 'UTF8')) AS digest,
              octet_length(to_json(p.body)::text) AS json_bytes
         FROM batch b, json_array_elements_text(b.body -> 'payloads') WITH ORDINALITY AS p(body, n)),
     stored AS (
       INSERT INTO execution_payloads (execution_id, digest, body)
       SELECT DISTINCT ON (execution_id, digest) execution_id, digest, body FROM payload
        ORDER BY execution_id, digest
       ON CONFLICT (execution_id, digest) DO NOTHING)`,
    insert: `INSERT INTO execution_events
       (execution_id, event_id, previous_event_id, type, timestamp, details, payload_refs, payload_bytes)
     SELECT b.execution_id, e.id, e.previous_event_id, e.type, e.timestamp, e.details, r.refs, r.bytes
       FROM batch b
      CROSS JOIN LATERAL json_to_recordset(b.body -> 'rows')
         AS e(id integer, previous_event_id integer, type text, timestamp timestamptz, details json, refs json)
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_array(f.ref ->> 0, f.ref ->> 1, encode(p.digest, 'hex')) ORDER BY f.k) AS refs,
                sum(p.json_bytes - 4)::integer AS bytes
           FROM json_array_elements(e.refs) WITH ORDINALITY AS f(ref, k)
           JOIN payload p ON p.no = b.no AND p.n = (f.ref ->> 2)::integer
          WHERE e.refs IS NOT NULL) r ON true
      ORDER BY b.execution_id, e.id
     ON CONFLICT (execution_id, event_id) DO NOTHING`,
  };
}

/** A statement of `eventBatchSql`'s CTEs and insert. */
function insertStatement(sql: { ctes: string; insert: string }): string {
  return `WITH ${sql.ctes} ${sql.insert}`;
}

/** Writes the batch texts `$2` (text[]) of the executions `$1` (text[]), pairwise. */
const INSERT_BATCHES = insertStatement(eventBatchSql('SELECT * FROM unnest($1::text[], $2::text[])'));

/**
 * Writes the one batch text `$2` of execution `$1`: a text parameter, not an array's element (a
 * workflow's bulk write of 8,000 events is 3 MB of text, which pg would escape as an array element
 * and Postgres parse out of the array literal).
 */
const INSERT_BATCH = insertStatement(eventBatchSql('SELECT $1::text, $2::text'));

/** Writes batch texts of one or several executions in one statement (see `eventBatchSql`). */
async function insertEventBatches(db: Queryable, executionIds: string[], texts: EventBatchText[]): Promise<void> {
  if (texts.length === 1) await db.query(INSERT_BATCH, [executionIds[0], texts[0]]);
  else await db.query(INSERT_BATCHES, [executionIds, texts]);
}

/**
 * Writes history events idempotently: an event id already stored for the execution is skipped,
 * and nothing is stored for an EXPRESS Map Run child.
 */
export async function insertEvents(db: Queryable, executionId: string, events: HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  await insertEventBatches(db, [executionId], [encodeEventBatch(events)]);
}

/** Most events one coalesced write carries. */
const BATCH_EVENTS = 1_000;

interface QueuedWrite {
  executionId: string;
  events: HistoryEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes the history events of many executions as `insertEvents` does, coalescing concurrent
 * writes: while one statement runs, the writes asked meanwhile wait and go in the next one, so a
 * host serving many invocations at once commits a few statements instead of one each. A batch
 * that fails is written again one execution at a time, so one execution's bad write fails only
 * its own.
 */
export class EventWriter {
  private waiting: QueuedWrite[] = [];
  private writing = false;

  constructor(private readonly db: Queryable) {}

  /** Resolves once `events` are stored (or were already: idempotent, as `insertEvents`). */
  write(executionId: string, events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ executionId, events, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      let count = 0;
      let taken = 0;
      while (taken < this.waiting.length && (taken === 0 || count + this.waiting[taken].events.length <= BATCH_EVENTS))
        count += this.waiting[taken++].events.length;
      const batch = this.waiting.splice(0, taken);
      const texts = batch.map((write) => encodeEventBatch(write.events));
      try {
        await insertEventBatches(
          this.db,
          batch.map((write) => write.executionId),
          texts,
        );
        for (const write of batch) write.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else
          for (const [i, write] of batch.entries())
            await insertEventBatches(this.db, [write.executionId], [texts[i]]).then(write.resolve, write.reject);
      }
    }
    this.writing = false;
  }
}

/** Whether an execution's history holds an event of `type` (read in the database, not by loading the history). */
export async function hasEventOfType(db: Queryable, executionId: string, type: string): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT EXISTS (SELECT 1 FROM execution_events WHERE execution_id = $1 AND type = $2) AS found',
    [executionId, type],
  );
  return rows[0].found === true;
}

/** One page of a history: its events, and whether more follow in the same direction. */
export interface EventPage {
  events: HistoryEvent[];
  more: boolean;
}

/**
 * A page of an execution's events by keyset on the event id: ascending after `afterId`, or with
 * `reverse` descending before `beforeId`. At most `limit` events, and no more than `maxBytes` of
 * event JSON (always at least one event), large payloads counted at their size in the event: a
 * page's size is bounded even when events carry large payloads. Reads at most `limit + 1` rows
 * from the primary key's index, then the page's large payloads, each once.
 */
export async function listEventPage(
  db: Queryable,
  executionId: string,
  page: { limit: number; maxBytes: number; reverse?: boolean; from?: number },
): Promise<EventPage> {
  const [comparison, order] = page.reverse ? ['<', 'DESC'] : ['>', 'ASC'];
  // The running byte count is computed in the database, so a row past the budget is never sent
  // (its text is NULL): only its presence says that more events follow.
  const { rows } = await db.query<{ text: string | null; refs: PayloadRef[] | null }>(
    `SELECT CASE WHEN n = 1 OR running <= $4 THEN text END AS text,
            CASE WHEN n = 1 OR running <= $4 THEN refs END AS refs
       FROM (SELECT details::text AS text, payload_refs AS refs, row_number() OVER w AS n,
                    octet_length(details::text) + coalesce(payload_bytes, 0) AS size,
                    sum(octet_length(details::text) + coalesce(payload_bytes, 0)) OVER w AS running
               FROM execution_events
              WHERE execution_id = $1 AND ($2::integer IS NULL OR event_id ${comparison} $2)
             WINDOW w AS (ORDER BY event_id ${order})
              ORDER BY event_id ${order} LIMIT $3) page
      WHERE n = 1 OR running - size <= $4
      ORDER BY n`,
    [executionId, page.from ?? null, page.limit + 1, page.maxBytes],
  );
  const events: HistoryEvent[] = [];
  const placed: [HistoryEvent, PayloadRef[]][] = [];
  let more = false;
  for (const [i, row] of rows.entries()) {
    if (i === page.limit || row.text === null) {
      more = true;
      break;
    }
    const event = JSON.parse(row.text) as HistoryEvent;
    events.push(event);
    if (row.refs) placed.push([event, row.refs]);
  }
  if (placed.length > 0) await placePayloads(db, executionId, placed);
  return { events, more };
}

/** Where a large payload goes back in a stored event: `event[member][field]`, and its digest (hex). */
type PayloadRef = [member: string, field: string, digest: string];

/** Puts each large payload back in the events that refer to it, read once each. */
async function placePayloads(
  db: Queryable,
  executionId: string,
  placed: [HistoryEvent, PayloadRef[]][],
): Promise<void> {
  const digests = [...new Set(placed.flatMap(([, refs]) => refs.map(([, , digest]) => digest)))];
  const { rows } = await db.query<{ digest: string; body: string }>(
    `SELECT encode(digest, 'hex') AS digest, body FROM execution_payloads
      WHERE execution_id = $1 AND digest = ANY (SELECT decode(d, 'hex') FROM unnest($2::text[]) AS d)`,
    [executionId, digests],
  );
  const bodies = new Map(rows.map((row) => [row.digest, row.body]));
  for (const [event, refs] of placed)
    for (const [member, field, digest] of refs) (event[member] as Record<string, unknown>)[field] = bodies.get(digest);
}

/** The last stored event's id and type (undefined before the first event). */
export async function lastEvent(db: Queryable, executionId: string): Promise<{ id: number; type: string } | undefined> {
  const { rows } = await db.query(
    'SELECT event_id AS id, type FROM execution_events WHERE execution_id = $1 ORDER BY event_id DESC LIMIT 1',
    [executionId],
  );
  return rows[0];
}

/** closeWithEvents' write: the batch text `$2` of execution `$1`, while it is open (`$9`). */
const CLOSING_BATCH = eventBatchSql('SELECT $1::text, $2::text', '$9::boolean');

/**
 * Writes history events serialised once by the workflow (a batch's text, passed on as it came):
 * no parse and no second serialisation in the worker, one statement per batch.
 */
export async function insertEventRows(db: Queryable, executionId: string, rows: EventBatchText): Promise<void> {
  await insertEventBatches(db, [executionId], [upgradeEventBatch(rows)]);
}

/** How an execution closed, as `closeWithEvents` stores it. */
export interface ClosingRow {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** The output as JSON text (SUCCEEDED), else null. */
  output: string | null;
  error: string | null;
  cause: string | null;
  stopDate: string;
  /** The resume point as JSON text, or null. */
  resume: string | null;
}

/**
 * Writes the closing events and closes the execution, in one transaction: the row is locked
 * first, and the events and the outcome are written only while it is RUNNING (an execution the
 * reconciler or a stop already closed keeps the one terminal event it has); the resume point is
 * kept and a pending stop cleared either way (as `completeExecution` does). Not for a stop (see
 * `stopFinalized`). The lock is its own statement: a `FOR UPDATE` in the same statement as the
 * UPDATE may run after it and then see no row. A large output (`keptApart`) is kept in the
 * execution's payloads, where the closing event's copy of it goes, and the row holds its digest
 * (migration 080); it is stored here only if the batch does not carry it.
 */
export async function closeWithEvents(
  pool: Pool,
  executionId: string,
  rows: string,
  closing: ClosingRow,
): Promise<Date | undefined> {
  return withTransaction(pool, async (client) => {
    const locked = await client.query<{ status: string }>(
      'SELECT status FROM executions WHERE execution_id = $1 FOR UPDATE',
      [executionId],
    );
    const open = locked.rows[0]?.status === 'RUNNING';
    const result = await client.query<{ start_date: Date }>(
      `WITH ${CLOSING_BATCH.ctes}, written AS (${CLOSING_BATCH.insert}),
       large_output AS (SELECT sha256(convert_to($4::text, 'UTF8')) AS digest WHERE $10::boolean),
       output_kept AS (
         INSERT INTO execution_payloads (execution_id, digest, body)
         SELECT $1, o.digest, $4::text FROM large_output o
          WHERE $9::boolean AND NOT EXISTS (SELECT 1 FROM payload p WHERE p.execution_id = $1 AND p.digest = o.digest)
         ON CONFLICT (execution_id, digest) DO NOTHING)
       UPDATE executions
          SET status = CASE WHEN status = 'RUNNING' THEN $3 ELSE status END,
              output = CASE WHEN status = 'RUNNING' AND NOT $10::boolean THEN $4::text::json
                            WHEN status = 'RUNNING' THEN NULL ELSE output END,
              output_digest = CASE WHEN status = 'RUNNING' THEN (SELECT digest FROM large_output) ELSE output_digest END,
              error = CASE WHEN status = 'RUNNING' THEN $5 ELSE error END,
              cause = CASE WHEN status = 'RUNNING' THEN $6 ELSE cause END,
              stop_date = CASE WHEN status = 'RUNNING' THEN $7::timestamptz ELSE stop_date END,
              workflow_started = CASE WHEN status = 'RUNNING' THEN true ELSE workflow_started END,
              resume = $8::json,
              stop_requested_at = NULL
        WHERE execution_id = $1
    RETURNING start_date`,
      [
        executionId,
        upgradeEventBatch(rows),
        closing.status,
        closing.output,
        closing.error,
        closing.cause,
        closing.stopDate,
        closing.resume,
        open,
        keptApart(closing.output),
      ],
    );
    return result.rows[0]?.start_date;
  });
}
