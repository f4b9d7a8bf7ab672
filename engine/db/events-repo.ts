import type { Pool } from 'pg';
import type { Queryable } from './pool';
import type { HistoryEvent } from '../../schemas/history';
import { withTransaction } from './pool';

/**
 * SQL: execution `$1` keeps a history (every execution but a Map Run's EXPRESS children, which
 * AWS runs without one). Evaluated once per statement, not per event.
 */
const KEEPS_HISTORY = 'NOT EXISTS (SELECT 1 FROM executions x WHERE x.execution_id = $1 AND x.express)';

/**
 * Writes history events idempotently: an event id already stored for the execution is skipped,
 * and nothing is stored for an EXPRESS Map Run child.
 */
export async function insertEvents(db: Queryable, executionId: string, events: HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO execution_events (execution_id, event_id, previous_event_id, type, timestamp, details)
     SELECT $1, e.id, e.previous_event_id, e.type, e.timestamp, e.details
       FROM json_to_recordset($2::json)
         AS e(id integer, previous_event_id integer, type text, timestamp timestamptz, details json)
      WHERE ${KEEPS_HISTORY}
     ON CONFLICT (execution_id, event_id) DO NOTHING`,
    [
      executionId,
      JSON.stringify(
        events.map((event) => ({
          id: event.id,
          previous_event_id: event.previousEventId,
          type: event.type,
          timestamp: event.timestamp,
          details: event,
        })),
      ),
    ],
  );
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
 * host serving many invocations at once commits a few statements instead of one each. Rows go
 * in (execution, event id) order, the order every writer locks them in. A batch that fails is
 * written again one execution at a time, so one execution's bad write fails only its own.
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
      try {
        if (batch.length === 1) await insertEvents(this.db, batch[0].executionId, batch[0].events);
        else await insertEventsOfMany(this.db, batch);
        for (const write of batch) write.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else
          for (const write of batch)
            await insertEvents(this.db, write.executionId, write.events).then(write.resolve, write.reject);
      }
    }
    this.writing = false;
  }
}

/** One statement for the events of several executions (see EventWriter). */
async function insertEventsOfMany(db: Queryable, writes: readonly QueuedWrite[]): Promise<void> {
  const rows = writes
    .flatMap(({ executionId, events }) =>
      events.map((event) => ({
        execution_id: executionId,
        id: event.id,
        previous_event_id: event.previousEventId,
        type: event.type,
        timestamp: event.timestamp,
        details: event,
      })),
    )
    .sort((a, b) => (a.execution_id === b.execution_id ? a.id - b.id : a.execution_id < b.execution_id ? -1 : 1));
  await db.query(
    `INSERT INTO execution_events (execution_id, event_id, previous_event_id, type, timestamp, details)
     SELECT e.execution_id, e.id, e.previous_event_id, e.type, e.timestamp, e.details
       FROM json_to_recordset($1::json)
         AS e(execution_id text, id integer, previous_event_id integer, type text, timestamp timestamptz, details json)
      WHERE NOT EXISTS (SELECT 1 FROM executions x WHERE x.execution_id = e.execution_id AND x.express)
     ON CONFLICT (execution_id, event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
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
 * event JSON (always at least one event): a page's size is bounded even when events carry large
 * payloads. Reads at most `limit + 1` rows from the primary key's index.
 */
export async function listEventPage(
  db: Queryable,
  executionId: string,
  page: { limit: number; maxBytes: number; reverse?: boolean; from?: number },
): Promise<EventPage> {
  const [comparison, order] = page.reverse ? ['<', 'DESC'] : ['>', 'ASC'];
  // The running byte count is computed in the database, so a row past the budget is never sent
  // (its text is NULL): only its presence says that more events follow.
  const { rows } = await db.query(
    `SELECT CASE WHEN n = 1 OR running <= $4 THEN text END AS text
       FROM (SELECT details::text AS text, row_number() OVER w AS n,
                    sum(octet_length(details::text)) OVER w AS running
               FROM execution_events
              WHERE execution_id = $1 AND ($2::integer IS NULL OR event_id ${comparison} $2)
             WINDOW w AS (ORDER BY event_id ${order})
              ORDER BY event_id ${order} LIMIT $3) page
      WHERE n = 1 OR running - octet_length(text) <= $4
      ORDER BY n`,
    [executionId, page.from ?? null, page.limit + 1, page.maxBytes],
  );
  const events: HistoryEvent[] = [];
  for (const [i, row] of rows.entries()) {
    if (i === page.limit || row.text === null) return { events, more: true };
    events.push(JSON.parse(row.text as string) as HistoryEvent);
  }
  return { events, more: false };
}

/** The last stored event's id and type (undefined before the first event). */
export async function lastEvent(db: Queryable, executionId: string): Promise<{ id: number; type: string } | undefined> {
  const { rows } = await db.query(
    'SELECT event_id AS id, type FROM execution_events WHERE execution_id = $1 ORDER BY event_id DESC LIMIT 1',
    [executionId],
  );
  return rows[0];
}

/**
 * The SQL that turns a batch of event rows, as JSON text (see `workflows/history-rows.ts`:
 * `[{"id","previous_event_id","type","timestamp","details"}, …]`), into `execution_events`
 * rows: one statement for the whole batch, parsed once by Postgres, idempotent per event id.
 */
/** Inserts the rows of `$2` for execution `$1`, when `condition` (SQL) holds and it keeps a history. */
const insertEventRowsSql = (condition = 'true') =>
  `INSERT INTO execution_events (execution_id, event_id, previous_event_id, type, timestamp, details)
     SELECT $1, e.id, e.previous_event_id, e.type, e.timestamp, e.details
       FROM json_to_recordset($2::json)
         AS e(id integer, previous_event_id integer, type text, timestamp timestamptz, details json)
      WHERE ${condition} AND ${KEEPS_HISTORY}
     ON CONFLICT (execution_id, event_id) DO NOTHING`;
const INSERT_EVENT_ROWS = insertEventRowsSql();

/**
 * Writes history events serialised once by the workflow (JSON text of the rows, passed on as
 * it came): no parse and no second serialisation in the worker, one statement per batch.
 */
export async function insertEventRows(db: Queryable, executionId: string, rows: string): Promise<void> {
  await db.query(INSERT_EVENT_ROWS, [executionId, rows]);
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
 * UPDATE may run after it and then see no row.
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
      `WITH written AS (${insertEventRowsSql('$9::boolean')})
       UPDATE executions
          SET status = CASE WHEN status = 'RUNNING' THEN $3 ELSE status END,
              output = CASE WHEN status = 'RUNNING' THEN $4::json ELSE output END,
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
        rows,
        closing.status,
        closing.output,
        closing.error,
        closing.cause,
        closing.stopDate,
        closing.resume,
        open,
      ],
    );
    return result.rows[0]?.start_date;
  });
}
