import { WorkflowNotFoundError } from '@temporalio/client';
import type { MapRunResponse, UpdateMapRunRequest } from '../../schemas/api/map-runs';
import { updateMapRunSignal } from '../../workflows/messages';
import { executionArnOfId, stateMachineArn } from '../core/arn';
import { parseMapRunArn } from '../core/interpreter/map-run';
import {
  countMapRunChildren,
  findMapRun,
  listMapRuns,
  updateMapRunSettings,
  type MapRunCounts,
  type MapRunRow,
} from '../db/map-runs-repo';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor';
import type { ServiceDeps } from './deps';
import { getExecution } from './describe';
import { DomainError } from './errors';

/** A Map Runs cursor: the start date and ARN of the Map Run the previous page ended at. */
const MapRunCursorSchema = z.tuple([z.string().refine((text) => !Number.isNaN(Date.parse(text))), z.string()]);

/**
 * Counts by status; `resultsWritten` is what the Map Run's ResultWriter last wrote to S3 (0
 * without one, and until the results are written).
 */
function counts(byStatus: Record<string, number>, resultsWritten: number) {
  const of = (status: string) => byStatus[status] ?? 0;
  const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  return {
    pending: of('PENDING'),
    running: of('RUNNING'),
    succeeded: of('SUCCEEDED'),
    failed: of('FAILED'),
    timedOut: of('TIMED_OUT'),
    aborted: of('ABORTED'),
    total,
    resultsWritten,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  };
}

function describe(row: MapRunRow, children: MapRunCounts): MapRunResponse {
  return {
    mapRunArn: row.mapRunArn,
    executionArn: executionArnOfId(row.executionId),
    executionId: row.executionId,
    stateName: row.stateName,
    label: row.label,
    status: row.status,
    startDate: row.startDate.toISOString(),
    ...(row.stopDate ? { stopDate: row.stopDate.toISOString() } : {}),
    maxConcurrency: row.maxConcurrency,
    toleratedFailurePercentage: row.toleratedFailurePercentage,
    toleratedFailureCount: row.toleratedFailureCount,
    itemCounts: counts(children.items, row.itemsWritten),
    executionCounts: counts(children.children, row.resultsWritten),
    redriveCount: row.redriveCount,
    ...(row.redriveDate ? { redriveDate: row.redriveDate.toISOString() } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
  };
}

/** A stored Map Run, or RESOURCE_NOT_FOUND naming the ARN. */
async function existing(deps: ServiceDeps, mapRunArn: string): Promise<MapRunRow> {
  const row = parseMapRunArn(mapRunArn) ? await findMapRun(deps.pool, mapRunArn) : undefined;
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Resource not found: '${mapRunArn}'`);
  return row;
}

/**
 * DescribeMapRun: the Map Run's status, settings and counts of its children (and their items)
 * by status — each item counted by its latest child, items without one as pending.
 */
export async function describeMapRun(deps: ServiceDeps, mapRunArn: string): Promise<MapRunResponse> {
  const row = await existing(deps, mapRunArn);
  return describe(row, await countMapRunChildren(deps.pool, mapRunArn));
}

/** ListMapRuns: an execution's Map Runs, oldest first, `limit` at a time. */
export async function listMapRunPage(
  deps: ServiceDeps,
  executionId: string,
  query: { limit: number; next?: string },
): Promise<{
  mapRuns: Array<{
    executionArn: string;
    mapRunArn: string;
    stateMachineArn: string;
    startDate: string;
    stopDate?: string;
  }>;
  next?: string;
}> {
  await getExecution(deps, executionId);
  const position = decodeCursor(query.next, MapRunCursorSchema);
  const after = position && { startDate: position[0], mapRunArn: position[1] };
  const rows = await listMapRuns(deps.pool, executionId, query.limit + 1, after);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    mapRuns: page.map((row) => {
      const parts = parseMapRunArn(row.mapRunArn);
      return {
        executionArn: executionArnOfId(row.executionId),
        mapRunArn: row.mapRunArn,
        stateMachineArn: stateMachineArn(parts ? `${parts.stateMachine}/${parts.label}` : row.label),
        startDate: row.startDate.toISOString(),
        ...(row.stopDate ? { stopDate: row.stopDate.toISOString() } : {}),
      };
    }),
    ...(rows.length > query.limit && last ? { next: encodeCursor([last.startKey, last.mapRunArn]) } : {}),
  };
}

/**
 * UpdateMapRun: new `maxConcurrency` / tolerated failures of a RUNNING Map Run, stored and
 * signalled to its workflow (which applies them at once: a lower tolerance may fail it). A Map
 * Run that is not running is refused (VALIDATION_FAILED).
 */
export async function updateMapRun(
  deps: ServiceDeps,
  mapRunArn: string,
  update: UpdateMapRunRequest,
): Promise<MapRunResponse> {
  await existing(deps, mapRunArn);
  if (
    update.maxConcurrency === undefined &&
    update.toleratedFailureCount === undefined &&
    update.toleratedFailurePercentage === undefined
  ) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'At least one of maxConcurrency, toleratedFailureCount and toleratedFailurePercentage must be given',
    );
  }
  if (!(await updateMapRunSettings(deps.pool, mapRunArn, update)))
    throw new DomainError('VALIDATION_FAILED', `Map Run '${mapRunArn}' is not running`);
  try {
    await deps.temporal.workflow.getHandle(mapRunArn).signal(updateMapRunSignal, update);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  deps.log.info({ mapRunArn, ...update }, 'map run updated');
  return describeMapRun(deps, mapRunArn);
}
