import type { PoolClient } from 'pg';
import type { HistoryEvent } from '../../schemas/history';
import { insertEvents } from './events-repo';

/** Events that end a run of an execution. */
const TERMINAL_TYPES = ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted'];

/** An event that ends the execution's current run, written by Stepflow rather than by the workflow. */
export interface ClosingEvent {
  type: 'ExecutionAborted' | 'ExecutionFailed';
  detailsKey: 'executionAbortedEventDetails' | 'executionFailedEventDetails';
  details: { error?: string; cause?: string };
}

/**
 * Appends `event` after the last stored event of the execution, unless its current run (after
 * the last `ExecutionRedriven`) already ended; the execution row is locked, so two writers (the
 * workflow's own completion, a reconciler) cannot both close it. Returns whether it was written.
 */
export async function appendClosingEvent(
  client: PoolClient,
  executionId: string,
  event: ClosingEvent,
): Promise<boolean> {
  await client.query('SELECT 1 FROM executions WHERE execution_id = $1 FOR UPDATE', [executionId]);
  const { rows } = await client.query(
    `SELECT coalesce(max(event_id), 0) AS last,
            bool_or(type = ANY($2) AND event_id > coalesce(
              (SELECT max(event_id) FROM execution_events WHERE execution_id = $1 AND type = 'ExecutionRedriven'), 0)) AS closed
       FROM execution_events WHERE execution_id = $1`,
    [executionId, TERMINAL_TYPES],
  );
  const last = Number(rows[0].last);
  if (rows[0].closed === true) return false;
  const closing: HistoryEvent = {
    id: last + 1,
    previousEventId: last,
    timestamp: new Date().toISOString(),
    type: event.type,
    [event.detailsKey]: Object.fromEntries(
      Object.entries(event.details).filter(([, v]) => v !== undefined && v !== null),
    ),
  };
  await insertEvents(client, executionId, [closing]);
  return true;
}

/** Lock the row and tell whether a reconciler already closed the run the stop ended. */
export async function stopFinalized(client: PoolClient, executionId: string): Promise<boolean> {
  const { rows } = await client.query('SELECT stop_finalized FROM executions WHERE execution_id = $1 FOR UPDATE', [
    executionId,
  ]);
  return rows[0]?.stop_finalized === true;
}
