import { z } from 'zod';
import { AliasNameSchema, ResourceNameSchema } from './common';

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
  /** The machine's current revision (Step Functions' `revisionId`). */
  revisionId: z.string(),
  createdAt: z.string(),
  versionCreatedAt: z.string(),
  /**
   * On create: what this deployment cannot run (severity `WARNING`, code `UNSUPPORTED_RESOURCE`,
   * `location` the JSON pointer of the Task's `Resource`); the definition is accepted anyway.
   */
  diagnostics: z
    .array(z.object({ severity: z.literal('WARNING'), code: z.string(), location: z.string(), message: z.string() }))
    .optional(),
});
export type StateMachineResponse = z.infer<typeof StateMachineResponseSchema>;

export const StateMachineParamsSchema = z.object({ name: z.string() });

/** Page parameters of the list routes: `limit` (1–1000, default 100) and the `next` token of the previous page. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().optional(),
});

/** `GET /v1/state-machines`. */
export const StateMachineListResponseSchema = z.object({
  stateMachines: z.array(z.object({ name: z.string(), type: z.enum(['STANDARD', 'EXPRESS']), createdAt: z.string() })),
  next: z.string().optional(),
});

/** `POST /v1/state-machines/{name}/versions`: publish the current revision. */
export const PublishVersionRequestSchema = z.object({
  description: z.string().max(256).optional(),
  revisionId: z.string().optional(),
});

/** A published version (immutable, numbered 1..n). */
export const PublishedVersionResponseSchema = z.object({
  stateMachine: z.string(),
  version: z.number().int(),
  description: z.string().optional(),
  revisionId: z.string(),
  definition: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type PublishedVersionResponse = z.infer<typeof PublishedVersionResponseSchema>;

/** `GET /v1/state-machines/{name}/versions`: newest first. */
export const VersionListResponseSchema = z.object({
  versions: z.array(PublishedVersionResponseSchema),
  next: z.string().optional(),
});

/** An alias and how it splits executions between versions. */
export const AliasResponseSchema = z.object({
  stateMachine: z.string(),
  name: z.string(),
  description: z.string().optional(),
  routes: z.array(z.object({ version: z.number().int(), weight: z.number().int() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AliasResponse = z.infer<typeof AliasResponseSchema>;

/** `GET /v1/state-machines/{name}/aliases`: by name. */
export const AliasListResponseSchema = z.object({ aliases: z.array(AliasResponseSchema), next: z.string().optional() });

/** `PUT /v1/state-machines/{name}/aliases/{alias}`: create or update an alias. */
export const PutAliasRequestSchema = z.object({
  description: z.string().max(256).optional(),
  routes: z
    .array(z.object({ version: z.number().int().positive(), weight: z.number().int().min(0).max(100) }))
    .min(1)
    .max(2),
});

export const AliasParamsSchema = z.object({ name: z.string(), alias: AliasNameSchema });
