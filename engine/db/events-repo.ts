import type { Pool, PoolClient } from 'pg';
import type { HistoryEvent } from '../../schemas/history';

type Queryable = Pool | PoolClient;

/** Writes history events idempotently: an event id already stored for the execution is skipped. */
export async function insertEvents(db: Queryable, executionId: string, events: HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO execution_events (execution_id, event_id, previous_event_id, type, timestamp, details)
     SELECT $1, e.id, e.previous_event_id, e.type, e.timestamp, e.details
       FROM json_to_recordset($2::json)
         AS e(id integer, previous_event_id integer, type text, timestamp timestamptz, details json)
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

/** Every stored event of an execution, ascending by id. */
export async function listEvents(db: Queryable, executionId: string): Promise<HistoryEvent[]> {
  const { rows } = await db.query(
    'SELECT details FROM execution_events WHERE execution_id = $1 ORDER BY event_id',
    [executionId],
  );
  return rows.map((row) => row.details as HistoryEvent);
}

/** Events of an execution with an id above `afterId`, ascending (for live streams). */
export async function listEventsAfter(db: Queryable, executionId: string, afterId: number): Promise<HistoryEvent[]> {
  const { rows } = await db.query(
    'SELECT details FROM execution_events WHERE execution_id = $1 AND event_id > $2 ORDER BY event_id',
    [executionId, afterId],
  );
  return rows.map((row) => row.details as HistoryEvent);
}
