import type { ExecutionResponse } from '../../schemas/api/executions';
import type { HistoryEvent } from '../../schemas/history';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor';
import { DomainError } from './errors';
import { lastEvent, listEventPage, type EventPage } from '../db/events-repo';
import { findExecution, listExecutions, type ExecutionRow } from '../db/executions-repo';
import { executionArn, executionArnOfId } from '../core/arn';
import { executionLogEvents, loggingSettings, type ExecutionLogEvent, type LogLevel } from '../core/execution-log';
import type { ServiceDeps } from './deps';
import { findStateMachine } from './state-machines';

export type { ExecutionRow };

/** The API view of a stored execution (absent fields omitted, dates ISO-8601). */
export function toExecutionResponse(row: ExecutionRow): ExecutionResponse {
  return {
    executionId: row.executionId,
    executionArn: executionArnOfId(row.executionId),
    name: row.name,
    stateMachine: row.stateMachine,
    version: row.version,
    ...(row.publishedVersion !== null ? { stateMachineVersion: row.publishedVersion } : {}),
    ...(row.alias !== null ? { stateMachineAlias: row.alias } : {}),
    status: row.status,
    input: row.input,
    ...(row.status === 'SUCCEEDED' ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    startDate: row.startDate.toISOString(),
    ...(row.stopDate ? { stopDate: row.stopDate.toISOString() } : {}),
    redriveCount: row.redriveCount ?? 0,
    ...(row.redriveDate ? { redriveDate: row.redriveDate.toISOString() } : {}),
    ...(row.traceId ? { traceId: row.traceId } : {}),
    ...(row.mapRunArn ? { mapRunArn: row.mapRunArn } : {}),
  };
}

/** The stored execution `executionId`; `EXECUTION_NOT_FOUND` otherwise. */
export async function getExecution(deps: ServiceDeps, executionId: string): Promise<ExecutionRow> {
  const row = await findExecution(deps.pool, executionId);
  if (!row || row.express) throw new DomainError('EXECUTION_NOT_FOUND', `Execution '${executionId}' does not exist`);
  return row;
}

/** One execution by id. */
export async function describeExecution(deps: ServiceDeps, executionId: string): Promise<ExecutionResponse> {
  return toExecutionResponse(await getExecution(deps, executionId));
}

/** History pages: `limit` events by default, and at most. */
export const HISTORY_PAGE_DEFAULT = 100;
export const HISTORY_PAGE_MAX = 1000;
/** A history page stops before its event JSON passes this many bytes (it always holds one event). */
export const HISTORY_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/** A history cursor: the last event id a page returned, and its direction. */
const HistoryCursorSchema = z.object({ e: z.number().int().min(0), r: z.union([z.literal(0), z.literal(1)]) });

function decodeHistoryCursor(cursor: string | undefined, reverse: boolean): number | undefined {
  const position = decodeCursor(cursor, HistoryCursorSchema);
  if (position && (position.r === 1) !== reverse)
    throw new DomainError(
      'INVALID_CURSOR',
      `The cursor was returned for reverse=${position.r === 1}; pass the same reverse`,
    );
  return position?.e;
}

/**
 * A page of an existing execution's history by keyset on the event id (see `listEventPage`):
 * ascending after event `from` (descending before it with `reverse`), `limit` events at most
 * (HISTORY_PAGE_MAX) and no more than HISTORY_PAGE_MAX_BYTES of them. Each protocol wraps the
 * last id in its own cursor.
 */
export async function readHistoryPage(
  deps: ServiceDeps,
  executionId: string,
  page: { limit?: number; reverse?: boolean; from?: number },
): Promise<EventPage> {
  await getExecution(deps, executionId);
  return historyBatch(deps, executionId, {
    limit: Math.min(page.limit ?? HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX),
    maxBytes: HISTORY_PAGE_MAX_BYTES,
    ...page,
  });
}

/** Events of a history by keyset on the event id, without the existence check (a live stream's batches). */
export function historyBatch(
  deps: ServiceDeps,
  executionId: string,
  page: { limit: number; maxBytes: number; reverse?: boolean; from?: number },
): Promise<EventPage> {
  return listEventPage(deps.pool, executionId, page);
}

/** The types of the event that closes an execution's run. */
export const CLOSING_EVENT = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/;

/** Whether the history's last stored event closes the execution and is at or before event `seen`. */
export async function historyEndedBy(deps: ServiceDeps, executionId: string, seen: number): Promise<boolean> {
  const latest = await lastEvent(deps.pool, executionId);
  return latest !== undefined && CLOSING_EVENT.test(latest.type) && latest.id <= seen;
}

/**
 * A page of the execution's Step Functions history: ascending by event id (descending with
 * `reverse`), `limit` events at most and no more than HISTORY_PAGE_MAX_BYTES of them; `next` is
 * the cursor of the following page, absent on the last one.
 */
export async function getExecutionHistoryPage(
  deps: ServiceDeps,
  executionId: string,
  query: { limit?: number; next?: string; reverse?: boolean },
): Promise<{ events: HistoryEvent[]; next?: string }> {
  const reverse = query.reverse ?? false;
  const from = decodeHistoryCursor(query.next, reverse);
  const page = await readHistoryPage(deps, executionId, { limit: query.limit, reverse, from });
  const last = page.events[page.events.length - 1];
  return {
    events: page.events,
    ...(page.more && last ? { next: encodeCursor({ e: last.id, r: reverse ? 1 : 0 }) } : {}),
  };
}

/**
 * A page of the execution's log events (see engine/core/execution-log.ts): the events of the next
 * `limit` history events (ascending) that its state machine's `loggingConfiguration` logs, shaped
 * as Step Functions writes them to CloudWatch Logs; the same events the worker writes to its log.
 * `next` (the history cursor) is present while history follows, even after a page with no event.
 */
export async function getExecutionLogPage(
  deps: ServiceDeps,
  executionId: string,
  query: { limit?: number; next?: string },
): Promise<{ level: LogLevel; includeExecutionData: boolean; events: ExecutionLogEvent[]; next?: string }> {
  const row = await getExecution(deps, executionId);
  const machine = await findStateMachine(deps, row.stateMachine);
  const settings = loggingSettings(machine?.loggingConfiguration);
  const from = decodeHistoryCursor(query.next, false);
  const page =
    settings.level === 'OFF'
      ? { events: [], more: false }
      : await readHistoryPage(deps, executionId, { limit: query.limit, from });
  const last = page.events[page.events.length - 1];
  const arn = executionArn(row.stateMachine, row.name);
  return {
    ...settings,
    events: executionLogEvents(page.events, settings, { arn, redriveCount: row.redriveCount ?? 0 }),
    ...(page.more && last ? { next: encodeCursor({ e: last.id, r: 0 }) } : {}),
  };
}

/**
 * True for an instant as list cursors carry it: `Date.toISOString()`'s form, optionally with
 * microseconds (`…T12:00:00.123456Z`), and a real date (no rolled-over days).
 */
export function isIsoInstant(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(\d{3})?Z$/.exec(text);
  if (!match) return false;
  const time = Date.parse(`${match[1]}Z`);
  return !Number.isNaN(time) && new Date(time).toISOString() === `${match[1]}Z`;
}

/** A row's keyset position: its start date to the microsecond, and its id. */
export function listKey(row: ExecutionRow): { startDate: string; executionId: string } {
  return { startDate: row.startKey ?? row.startDate.toISOString(), executionId: row.executionId };
}

/** A list cursor: the start date (microseconds) and id of the row the previous page ended at (newest first). */
const ListCursorSchema = z.tuple([z.string().refine(isIsoInstant), z.string()]);

function encodeListCursor(row: ExecutionRow): string {
  const key = listKey(row);
  return encodeCursor([key.startDate, key.executionId]);
}

/**
 * A page of executions, newest first (see `listExecutions` for the filters): `limit` rows at most,
 * and `next`, the keyset position of the last, when more follow.
 */
export async function listExecutionRows(
  deps: ServiceDeps,
  query: Omit<Parameters<typeof listExecutions>[1], 'limit'> & { limit: number },
): Promise<{ rows: ExecutionRow[]; next?: { startDate: string; executionId: string } }> {
  const rows = await listExecutions(deps.pool, { ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return { rows: page, ...(rows.length > query.limit ? { next: listKey(page[page.length - 1]) } : {}) };
}

/** Rows read per query while a list page is filled: what one request holds at once. */
const LIST_CHUNK = 50;
/** A list page stops before its executions' inputs and outputs pass this many bytes (it always holds one). */
export const LIST_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/** The bytes an execution's input and output add to a response. */
function payloadBytes(row: ExecutionRow): number {
  return (
    Buffer.byteLength(JSON.stringify(row.input) ?? '', 'utf8') +
    (row.status === 'SUCCEEDED' ? Buffer.byteLength(JSON.stringify(row.output) ?? '', 'utf8') : 0)
  );
}

/**
 * Executions, newest first, filtered by state machine, status and start time, a page at a time:
 * `limit` executions at most, and no more than LIST_PAGE_MAX_BYTES of inputs and outputs (each
 * may be 256 KiB), read LIST_CHUNK rows at a time so a page never holds a thousand payloads.
 */
export async function listExecutionPage(
  deps: ServiceDeps,
  query: {
    stateMachine?: string;
    mapRunArn?: string;
    status?: string;
    from?: string;
    to?: string;
    limit: number;
    next?: string;
  },
): Promise<{ executions: ExecutionResponse[]; next?: string }> {
  const page: ExecutionRow[] = [];
  const position = decodeCursor(query.next || undefined, ListCursorSchema);
  let before = position && { startDate: position[0], executionId: position[1] };
  let bytes = 0;
  for (;;) {
    const want = Math.min(LIST_CHUNK, query.limit - page.length);
    const rows = await listExecutions(deps.pool, {
      stateMachine: query.stateMachine,
      mapRunArn: query.mapRunArn,
      status: query.status,
      startedFrom: query.from ? new Date(query.from) : undefined,
      startedTo: query.to ? new Date(query.to) : undefined,
      limit: want + 1,
      before,
    });
    for (const row of rows.slice(0, want)) {
      bytes += payloadBytes(row);
      if (page.length > 0 && bytes > LIST_PAGE_MAX_BYTES) return pageOf(page, true);
      page.push(row);
    }
    if (rows.length <= want) return pageOf(page, false);
    if (page.length === query.limit) return pageOf(page, true);
    before = listKey(page[page.length - 1]);
  }
}

function pageOf(rows: ExecutionRow[], more: boolean): { executions: ExecutionResponse[]; next?: string } {
  return {
    executions: rows.map(toExecutionResponse),
    ...(more ? { next: encodeListCursor(rows[rows.length - 1]) } : {}),
  };
}
