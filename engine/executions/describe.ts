import type { ExecutionResponse } from '../../schemas/api/executions';
import type { HistoryEvent } from '../../schemas/history';
import { ApiError } from '../api/errors';
import { listEvents } from '../db/events-repo';
import { findExecution, listExecutions, type ExecutionRow } from '../db/executions-repo';
import { executionArn } from '../core/arn';
import type { ServiceDeps } from './deps';

/** The API view of a stored execution (absent fields omitted, dates ISO-8601). */
export function toExecutionResponse(row: ExecutionRow): ExecutionResponse {
  return {
    executionId: row.executionId,
    executionArn: executionArn(row.stateMachine, row.name),
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
  };
}

/** One execution by id. */
export async function describeExecution(deps: ServiceDeps, executionId: string): Promise<ExecutionResponse> {
  const row = await findExecution(deps.pool, executionId);
  if (!row) throw new ApiError('EXECUTION_NOT_FOUND', `Execution '${executionId}' does not exist`);
  return toExecutionResponse(row);
}

/** The execution's Step Functions history, ascending by event id. */
export async function getExecutionHistory(deps: ServiceDeps, executionId: string): Promise<HistoryEvent[]> {
  const row = await findExecution(deps.pool, executionId);
  if (!row) throw new ApiError('EXECUTION_NOT_FOUND', `Execution '${executionId}' does not exist`);
  return listEvents(deps.pool, executionId);
}

/** True for an instant exactly as `Date.toISOString()` writes it (what cursors carry): no rolled-over dates. */
function isIsoInstant(text: string): boolean {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
}

/** An opaque cursor: where the previous page ended (newest first). */
function encodeCursor(row: ExecutionRow): string {
  return Buffer.from(JSON.stringify([row.startDate.toISOString(), row.executionId])).toString('base64url');
}

function decodeCursor(cursor: string): { startDate: string; executionId: string } {
  try {
    const [startDate, executionId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    // A date Postgres would refuse must be refused here, as a bad cursor (400), not a failed query.
    if (typeof startDate === 'string' && typeof executionId === 'string' && isIsoInstant(startDate)) return { startDate, executionId };
  } catch {
    // fall through
  }
  throw new ApiError('INVALID_CURSOR', 'The cursor is not one this API returned');
}

/** Executions, newest first, filtered by state machine, status and start time, a page at a time. */
export async function listExecutionPage(
  deps: ServiceDeps,
  query: { stateMachine?: string; status?: string; from?: string; to?: string; limit: number; next?: string },
): Promise<{ executions: ExecutionResponse[]; next?: string }> {
  const rows = await listExecutions(deps.pool, {
    stateMachine: query.stateMachine,
    status: query.status,
    startedFrom: query.from ? new Date(query.from) : undefined,
    startedTo: query.to ? new Date(query.to) : undefined,
    limit: query.limit + 1,
    before: query.next ? decodeCursor(query.next) : undefined,
  });
  const page = rows.slice(0, query.limit);
  return { executions: page.map(toExecutionResponse), ...(rows.length > query.limit ? { next: encodeCursor(page[page.length - 1]) } : {}) };
}
