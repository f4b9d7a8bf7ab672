import { z } from 'zod';
import { parseMapRunArn } from '../../core/interpreter/map-run';
import type { ServiceDeps } from '../../service/deps';
import { describeMapRun, listMapRunPage, updateMapRun } from '../../service/map-runs';
import { executionIdOf, epochSeconds, invalidArn } from './arn';
import { PAGE_MEMBERS, pageSize, parseRequest } from './request';

/** A Map Run ARN as the Map Run actions accept it: `InvalidArn` when malformed. */
function mapRunArnOf(arn: unknown): string {
  if (typeof arn !== 'string' || !parseMapRunArn(arn)) throw invalidArn(arn);
  return arn;
}

/** The stored Map Run, or `ResourceNotFound` (for ListExecutions' `mapRunArn`). */
export async function existingMapRun(deps: ServiceDeps, arn: unknown): Promise<void> {
  await describeMapRun(deps, mapRunArnOf(arn));
}

/** DescribeMapRun, ListMapRuns and UpdateMapRun (Distributed Map's Map Runs). */
export const mapRunActions = {
  /** DescribeMapRun: status, settings, item and child execution counts by status (dates epoch seconds). */
  async DescribeMapRun(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ mapRunArn: z.string() }), body);
    const run = await describeMapRun(deps, mapRunArnOf(request.mapRunArn));
    return {
      mapRunArn: run.mapRunArn,
      executionArn: run.executionArn,
      status: run.status,
      startDate: epochSeconds(run.startDate),
      ...(run.stopDate ? { stopDate: epochSeconds(run.stopDate) } : {}),
      maxConcurrency: run.maxConcurrency,
      toleratedFailurePercentage: run.toleratedFailurePercentage,
      toleratedFailureCount: run.toleratedFailureCount,
      itemCounts: run.itemCounts,
      executionCounts: run.executionCounts,
      redriveCount: run.redriveCount,
      ...(run.redriveDate ? { redriveDate: epochSeconds(run.redriveDate) } : {}),
    };
  },

  /** ListMapRuns: the Map Runs an execution started, oldest first. */
  async ListMapRuns(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ executionArn: z.string(), ...PAGE_MEMBERS }), body);
    const page = await listMapRunPage(deps, executionIdOf(request.executionArn), {
      limit: pageSize(request.maxResults),
      ...(request.nextToken !== undefined ? { next: request.nextToken } : {}),
    });
    return {
      mapRuns: page.mapRuns.map((run) => ({
        ...run,
        startDate: epochSeconds(run.startDate),
        ...(run.stopDate ? { stopDate: epochSeconds(run.stopDate) } : {}),
      })),
      ...(page.next ? { nextToken: page.next } : {}),
    };
  },

  /** UpdateMapRun: new maxConcurrency / tolerated failures of a running Map Run. */
  async UpdateMapRun(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        mapRunArn: z.string(),
        maxConcurrency: z.number().int().min(0).max(10_000).optional(),
        toleratedFailurePercentage: z.number().min(0).max(100).optional(),
        toleratedFailureCount: z.number().int().min(0).optional(),
      }),
      body,
    );
    const { mapRunArn, ...update } = request;
    await updateMapRun(deps, mapRunArnOf(mapRunArn), update);
    return {};
  },
};
