import type { ExecutionResponse } from '../../schemas/api/executions';
import type { HistoryEvent } from '../../schemas/history';
import { ApiError } from '../api/errors';
import { listEvents } from '../db/events-repo';
import { findExecution, type ExecutionRow } from '../db/executions-repo';
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
