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
});
export type ExecutionResponse = z.infer<typeof ExecutionResponseSchema>;

export const ExecutionParamsSchema = z.object({ executionId: z.string() });

export const HistoryResponseSchema = z.object({ events: z.array(HistoryEventSchema) });

/** `POST /v1/executions/{executionId}/stop`: StopExecution's optional error (≤ 256 chars) and cause (≤ 32,768). */
export const StopExecutionRequestSchema = z.object({
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});
