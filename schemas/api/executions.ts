import { z } from 'zod';
import { HistoryEventSchema } from '../history';
import { AliasNameSchema, ResourceNameSchema } from './common';

/** `POST /v1/state-machines/{name}/executions`: runs the current definition, or a published `version`, or an `alias`. */
export const StartExecutionRequestSchema = z
  .object({
    input: z.unknown().optional(),
    name: ResourceNameSchema.optional(),
    version: z.number().int().positive().optional(),
    alias: AliasNameSchema.optional(),
  })
  .refine((request) => request.version === undefined || request.alias === undefined, {
    message: 'give either version or alias, not both',
    path: ['alias'],
  });
export type StartExecutionRequest = z.infer<typeof StartExecutionRequestSchema>;

export const ExecutionStatusSchema = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** An execution as the API shows it. */
export const ExecutionResponseSchema = z.object({
  executionId: z.string(),
  executionArn: z.string(),
  name: z.string(),
  stateMachine: z.string(),
  version: z.number().int(),
  /** The published version it runs, when started through a version or an alias. */
  stateMachineVersion: z.number().int().optional(),
  /** The alias it was started through. */
  stateMachineAlias: z.string().optional(),
  status: ExecutionStatusSchema,
  input: z.unknown(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  startDate: z.string(),
  stopDate: z.string().optional(),
  /** How many times it was redriven (RedriveExecution), and when last. */
  redriveCount: z.number().int(),
  redriveDate: z.string().optional(),
  /** Stepflow extension: the OpenTelemetry trace id the execution was started in (when traced). */
  traceId: z.string().optional(),
  /** The Map Run this execution is a child of (a Distributed Map's item or batch). */
  mapRunArn: z.string().optional(),
});
export type ExecutionResponse = z.infer<typeof ExecutionResponseSchema>;

export const ExecutionParamsSchema = z.object({ executionId: z.string() });

/**
 * `GET /v1/executions/{executionId}/history`: a page of events, ascending by id (descending with
 * `reverse=true`); `limit` 1–1000 (default 100); `next` is the cursor the previous page returned.
 * `follow=true` streams the history as Server-Sent Events instead.
 */
export const HistoryQuerySchema = z.object({
  follow: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().max(256).optional(),
  reverse: z.enum(['true', 'false']).optional(),
});

/** A page of history events; `next` is present when more follow (pass it as `?next=`). */
export const HistoryResponseSchema = z.object({ events: z.array(HistoryEventSchema), next: z.string().optional() });

/** `POST /v1/executions/{executionId}/stop`: StopExecution's optional error (≤ 256 chars) and cause (≤ 32,768). */
export const StopExecutionRequestSchema = z.object({
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});

/** `GET /v1/executions`: filters and a cursor (`next` from the previous page). */
export const ListExecutionsQuerySchema = z.object({
  stateMachine: z.string().optional(),
  /** The children of this Map Run (a state machine's list leaves Map Run children out). */
  mapRunArn: z.string().max(512).optional(),
  status: ExecutionStatusSchema.optional(),
  /** ISO-8601: started at or after. */
  from: z.string().datetime({ offset: true }).optional(),
  /** ISO-8601: started before. */
  to: z.string().datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().optional(),
});

/** A page of executions, newest first. */
export const ExecutionListResponseSchema = z.object({
  executions: z.array(ExecutionResponseSchema),
  next: z.string().optional(),
});
