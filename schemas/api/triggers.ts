import { z } from 'zod';
import { ExecutionResponseSchema } from './executions';
import { AliasNameSchema, ResourceNameSchema } from './common';

/** Names of schedules and queue triggers: 1–48 letters, digits, `-` or `_`, starting with a letter or digit (they prefix execution names). */
export const TriggerNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/,
    'must be 1-48 letters, digits, "-" or "_", starting with a letter or digit',
  );

/** What a trigger starts: a state machine's current definition, a published `version`, or an `alias`. */
const TargetFields = {
  stateMachine: ResourceNameSchema,
  version: z.number().int().positive().optional(),
  alias: AliasNameSchema.optional(),
};
const oneTarget = <T extends { version?: number; alias?: string }>(value: T) =>
  value.version === undefined || value.alias === undefined;
const oneTargetIssue = { message: 'give either version or alias, not both', path: ['alias'] };

/** Overlap policies a schedule may use (Temporal's; TERMINATE_OTHER is left out: it would orphan a running execution). */
export const OverlapPolicySchema = z.enum(['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'ALLOW_ALL']);
export type OverlapPolicy = z.infer<typeof OverlapPolicySchema>;

/** `POST /v1/schedules`. */
export const CreateScheduleRequestSchema = z
  .object({
    name: TriggerNameSchema,
    ...TargetFields,
    input: z.unknown().optional(),
    /** `cron(m h dom mon dow y)`, `rate(n unit)` or `at(yyyy-mm-ddThh:mm:ss)` (EventBridge Scheduler syntax). */
    expression: z.string().min(1).max(256),
    /** IANA time zone the expression is read in. */
    timeZone: z.string().min(1).max(64).default('UTC'),
    overlap: OverlapPolicySchema.default('SKIP'),
    description: z.string().max(512).default(''),
    paused: z.boolean().default(false),
  })
  .refine(oneTarget, oneTargetIssue);
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequestSchema>;

export const ScheduleResponseSchema = z.object({
  name: z.string(),
  stateMachine: z.string(),
  version: z.number().int().optional(),
  alias: z.string().optional(),
  input: z.unknown(),
  expression: z.string(),
  timeZone: z.string(),
  overlap: OverlapPolicySchema,
  description: z.string(),
  paused: z.boolean(),
  createdAt: z.string(),
  /** From Temporal (describe only): the next nominal times. */
  nextActionTimes: z.array(z.string()).optional(),
  /** From Temporal (describe only): how many actions it has taken. */
  numActionsTaken: z.number().int().optional(),
});
export type ScheduleResponse = z.infer<typeof ScheduleResponseSchema>;

export const ScheduleParamsSchema = z.object({ name: TriggerNameSchema });
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().max(256).optional(),
});
export const ScheduleListResponseSchema = z.object({
  schedules: z.array(ScheduleResponseSchema),
  next: z.string().optional(),
});

/** `POST /v1/schedules/{name}/pause` and `/resume`. */
export const ScheduleNoteRequestSchema = z.object({ note: z.string().max(512).optional() }).nullish();

/** `POST /v1/schedules/{name}/backfill`: take the actions the schedule would have taken from `start` to `end`. */
export const BackfillRequestSchema = z
  .object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    overlap: OverlapPolicySchema.default('ALLOW_ALL'),
  })
  .refine((value) => Date.parse(value.start) < Date.parse(value.end), {
    message: 'start must be before end',
    path: ['end'],
  });

/** One execution a schedule started, by its nominal time. */
export const ScheduleExecutionSchema = z.object({
  scheduledTime: z.string(),
  executionId: z.string(),
  startedAt: z.string(),
});
export const ScheduleExecutionListResponseSchema = z.object({
  executions: z.array(ScheduleExecutionSchema),
  next: z.string().optional(),
});

/** `POST /v1/webhooks`. */
export const CreateWebhookRequestSchema = z
  .object({ name: z.string().min(1).max(128), ...TargetFields })
  .refine(oneTarget, oneTargetIssue);

/** A webhook; `secret` appears only in the answers to create and rotate. */
export const WebhookResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  stateMachine: z.string(),
  version: z.number().int().optional(),
  alias: z.string().optional(),
  /** The path to POST deliveries to. */
  url: z.string(),
  createdAt: z.string(),
  rotatedAt: z.string().optional(),
  secret: z.string().optional(),
});
export const WebhookParamsSchema = z.object({ id: z.string().regex(/^wh[0-9a-f]{16}$/, 'is not a webhook id') });
export const WebhookListResponseSchema = z.object({
  webhooks: z.array(WebhookResponseSchema),
  next: z.string().optional(),
});

/** The answer to a delivery: the execution it started, or the one an earlier delivery with the same id started. */
export const WebhookDeliveryResponseSchema = z.object({ created: z.boolean(), execution: ExecutionResponseSchema });

/** `POST /v1/queue-triggers`. */
export const CreateQueueTriggerRequestSchema = z
  .object({
    name: TriggerNameSchema,
    kind: z.enum(['nats', 'rabbitmq']),
    /** `nats://host:port` or `amqp(s)://user:pass@host:port/vhost` (kept sealed; shown redacted). */
    url: z
      .string()
      .regex(/^(nats|tls|amqps?):\/\/[^\s]+$/, 'must be a nats://, tls://, amqp:// or amqps:// URL')
      .max(2048),
    /** NATS: the JetStream stream; RabbitMQ: the queue. */
    source: z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'must be 1-200 letters, digits, ".", "-" or "_"'),
    /** NATS only: the filter subject within the stream. */
    subject: z
      .string()
      .regex(/^[^\s]{1,255}$/, 'must be a subject without spaces')
      .optional(),
    /** NATS: the subject (a stream must capture it); RabbitMQ: the queue. */
    deadLetter: z.string().regex(/^[^\s]{1,255}$/, 'must be a subject or queue name without spaces'),
    ...TargetFields,
    maxInFlight: z.number().int().min(1).max(1000).default(32),
    maxAttempts: z.number().int().min(1).max(100).default(5),
  })
  .refine(oneTarget, oneTargetIssue)
  .refine((value) => value.kind === 'nats' || value.subject === undefined, {
    message: 'subject is for NATS triggers only',
    path: ['subject'],
  })
  .refine((value) => (value.kind === 'nats') === /^(nats|tls):/.test(value.url), {
    message: 'a nats trigger takes a nats:// or tls:// URL, a rabbitmq trigger an amqp(s):// URL',
    path: ['url'],
  });
export type CreateQueueTriggerRequest = z.infer<typeof CreateQueueTriggerRequestSchema>;

export const QueueTriggerResponseSchema = z.object({
  name: z.string(),
  kind: z.enum(['nats', 'rabbitmq']),
  url: z.string(),
  source: z.string(),
  subject: z.string().optional(),
  deadLetter: z.string(),
  stateMachine: z.string(),
  version: z.number().int().optional(),
  alias: z.string().optional(),
  maxInFlight: z.number().int(),
  maxAttempts: z.number().int(),
  createdAt: z.string(),
});
export const QueueTriggerListResponseSchema = z.object({
  queueTriggers: z.array(QueueTriggerResponseSchema),
  next: z.string().optional(),
});
