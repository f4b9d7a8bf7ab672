import { z } from 'zod';
import { ResourceNameSchema } from './common';
import { ExecutionStatusSchema } from './executions';

/** Where notifications go: an HTTP endpoint, a NATS JetStream subject or a RabbitMQ exchange. */
export const NotificationTargetTypeSchema = z.enum(['webhook', 'nats', 'rabbitmq']);

/** Filters: the state machines and statuses a target wants (empty or absent: all). */
const filters = {
  stateMachines: z.array(ResourceNameSchema).max(100).optional(),
  statuses: z.array(ExecutionStatusSchema).max(5).optional(),
};

const URL_MAX = 2048;

/**
 * `POST /v1/notification-targets`: a webhook (`url` http(s)), NATS (`url` nats://host:port and a
 * `subject` a JetStream stream captures) or RabbitMQ (`url` amqp(s)://…, `exchange` — '' for the
 * default one — and a `routingKey`).
 */
export const CreateNotificationTargetRequestSchema = z.discriminatedUnion('type', [
  z.object({
    name: ResourceNameSchema,
    type: z.literal('webhook'),
    url: z
      .string()
      .max(URL_MAX)
      .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL'),
    enabled: z.boolean().optional(),
    ...filters,
  }),
  z.object({
    name: ResourceNameSchema,
    type: z.literal('nats'),
    url: z
      .string()
      .max(URL_MAX)
      .regex(/^(nats|tls):\/\/[^\s/]+$/, 'must be a nats://host:port URL'),
    subject: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\s*>]+$/, 'must be a NATS subject without wildcards or whitespace'),
    enabled: z.boolean().optional(),
    ...filters,
  }),
  z.object({
    name: ResourceNameSchema,
    type: z.literal('rabbitmq'),
    url: z
      .string()
      .max(URL_MAX)
      .regex(/^amqps?:\/\/[^\s]+$/, 'must be an amqp:// or amqps:// URL'),
    exchange: z.string().max(255).default(''),
    routingKey: z.string().min(1).max(255),
    enabled: z.boolean().optional(),
    ...filters,
  }),
]);
export type CreateNotificationTargetRequest = z.infer<typeof CreateNotificationTargetRequestSchema>;

/** `PATCH /v1/notification-targets/{name}`: turn a target on or off, change its filters. */
export const UpdateNotificationTargetRequestSchema = z
  .object({ enabled: z.boolean().optional(), ...filters })
  .refine((body) => Object.keys(body).length > 0, 'give at least one of enabled, stateMachines, statuses');

/** A target as the API shows it (never its secret, except once on create and rotate). */
export const NotificationTargetResponseSchema = z.object({
  name: z.string(),
  type: NotificationTargetTypeSchema,
  url: z.string(),
  subject: z.string().optional(),
  exchange: z.string().optional(),
  routingKey: z.string().optional(),
  stateMachines: z.array(z.string()),
  statuses: z.array(ExecutionStatusSchema),
  enabled: z.boolean(),
  createdAt: z.string(),
  /** Notifications waiting for delivery (the target was down, or they are being retried). */
  pending: z.number().int(),
  deliveredCount: z.number().int(),
  lastDeliveredAt: z.string().optional(),
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  /** The signing secret: only in the answers of create and rotate-secret. */
  secret: z.string().optional(),
});
export type NotificationTargetResponse = z.infer<typeof NotificationTargetResponseSchema>;

export const NotificationTargetListResponseSchema = z.object({ targets: z.array(NotificationTargetResponseSchema) });

export const NotificationTargetParamsSchema = z.object({ name: z.string().max(80) });
