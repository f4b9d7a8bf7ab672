import { z } from 'zod';

/** Children (or items) of a Map Run by status, as DescribeMapRun's `executionCounts`/`itemCounts`. */
export const MapRunCountsSchema = z.object({
  pending: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  timedOut: z.number().int(),
  aborted: z.number().int(),
  total: z.number().int(),
  resultsWritten: z.number().int(),
  failuresNotRedrivable: z.number().int(),
  pendingRedrive: z.number().int(),
});

/** `GET /v1/map-runs/{mapRunArn}`: DescribeMapRun's fields (dates ISO-8601). */
export const MapRunResponseSchema = z.object({
  mapRunArn: z.string(),
  executionArn: z.string(),
  /** Stepflow: the parent execution's id (REST paths). */
  executionId: z.string(),
  stateName: z.string(),
  label: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED']),
  startDate: z.string(),
  stopDate: z.string().optional(),
  maxConcurrency: z.number().int(),
  toleratedFailurePercentage: z.number(),
  toleratedFailureCount: z.number().int(),
  itemCounts: MapRunCountsSchema,
  executionCounts: MapRunCountsSchema,
  redriveCount: z.number().int(),
  redriveDate: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type MapRunResponse = z.infer<typeof MapRunResponseSchema>;

/** One entry of ListMapRuns. */
export const MapRunListItemSchema = z.object({
  executionArn: z.string(),
  mapRunArn: z.string(),
  stateMachineArn: z.string(),
  startDate: z.string(),
  stopDate: z.string().optional(),
});

/** `GET /v1/executions/{executionId}/map-runs`: the execution's Map Runs, oldest first. */
export const MapRunListResponseSchema = z.object({
  mapRuns: z.array(MapRunListItemSchema),
  next: z.string().optional(),
});

export const MapRunListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().max(512).optional(),
});

export const MapRunParamsSchema = z.object({ mapRunArn: z.string().max(512) });

/** `PATCH /v1/map-runs/{mapRunArn}` (UpdateMapRun): at least one field. */
export const UpdateMapRunRequestSchema = z.object({
  maxConcurrency: z.number().int().min(0).max(10_000).optional(),
  toleratedFailurePercentage: z.number().min(0).max(100).optional(),
  toleratedFailureCount: z.number().int().min(0).optional(),
});
export type UpdateMapRunRequest = z.infer<typeof UpdateMapRunRequestSchema>;
