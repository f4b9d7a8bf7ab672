import { z } from 'zod';
import { ResourceNameSchema } from './common';

/** `POST /v1/state-machines`: a name and an ASL definition (object or JSON text). */
export const CreateStateMachineRequestSchema = z.object({
  name: ResourceNameSchema,
  definition: z.union([z.string(), z.record(z.string(), z.unknown())]),
  type: z.enum(['STANDARD', 'EXPRESS']).default('STANDARD'),
});
export type CreateStateMachineRequest = z.infer<typeof CreateStateMachineRequestSchema>;

/** A state machine and the version a request produced or read. */
export const StateMachineResponseSchema = z.object({
  name: z.string(),
  type: z.enum(['STANDARD', 'EXPRESS']),
  version: z.number().int(),
  definitionHash: z.string(),
  definition: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  versionCreatedAt: z.string(),
});
export type StateMachineResponse = z.infer<typeof StateMachineResponseSchema>;

export const StateMachineParamsSchema = z.object({ name: z.string() });
