import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BackfillRequestSchema,
  CreateQueueTriggerRequestSchema,
  CreateScheduleRequestSchema,
  CreateWebhookRequestSchema,
  PageQuerySchema,
  QueueTriggerListResponseSchema,
  QueueTriggerResponseSchema,
  ScheduleExecutionListResponseSchema,
  ScheduleListResponseSchema,
  ScheduleNoteRequestSchema,
  ScheduleParamsSchema,
  ScheduleResponseSchema,
  TriggerNameSchema,
  WebhookDeliveryResponseSchema,
  WebhookListResponseSchema,
  WebhookParamsSchema,
  WebhookResponseSchema,
} from '../../../schemas/api/triggers';
import { z } from 'zod';
import type { ServiceDeps } from '../../service/deps';
import {
  backfillSchedule,
  createSchedule,
  describeSchedule,
  listScheduleExecutionPage,
  listSchedulePage,
  removeSchedule,
  setPaused,
} from '../../triggers/schedules';
import {
  acceptDelivery,
  createWebhook,
  describeWebhook,
  listWebhookPage,
  removeWebhook,
  rotateWebhook,
} from '../../triggers/webhooks';
import {
  createQueueTrigger,
  describeQueueTrigger,
  listQueueTriggerPage,
  removeQueueTrigger,
} from '../../triggers/queue-triggers';
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '../../triggers/webhook-signature';

const QueueTriggerParamsSchema = z.object({ name: TriggerNameSchema });

/** `/v1/schedules`, `/v1/webhooks` and `/v1/queue-triggers`: configure what starts executions by itself. */
export const triggerRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/schedules',
    { schema: { body: CreateScheduleRequestSchema, response: { 201: ScheduleResponseSchema } } },
    async (request, reply) => reply.status(201).send(await createSchedule(deps, request.body)),
  );
  app.get(
    '/v1/schedules',
    { schema: { querystring: PageQuerySchema, response: { 200: ScheduleListResponseSchema } } },
    async (request) => listSchedulePage(deps, request.query.limit, request.query.next),
  );
  app.get(
    '/v1/schedules/:name',
    { schema: { params: ScheduleParamsSchema, response: { 200: ScheduleResponseSchema } } },
    async (request) => describeSchedule(deps, request.params.name),
  );
  app.delete('/v1/schedules/:name', { schema: { params: ScheduleParamsSchema } }, async (request, reply) => {
    await removeSchedule(deps, request.params.name);
    return reply.status(204).send();
  });
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/v1/schedules/:name/${action}`,
      {
        schema: {
          params: ScheduleParamsSchema,
          body: ScheduleNoteRequestSchema,
          response: { 200: ScheduleResponseSchema },
        },
      },
      async (request) => setPaused(deps, request.params.name, paused, request.body?.note),
    );
  }
  app.post(
    '/v1/schedules/:name/backfill',
    { schema: { params: ScheduleParamsSchema, body: BackfillRequestSchema } },
    async (request, reply) => {
      await backfillSchedule(deps, request.params.name, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );
  app.get(
    '/v1/schedules/:name/executions',
    {
      schema: {
        params: ScheduleParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: ScheduleExecutionListResponseSchema },
      },
    },
    async (request) => listScheduleExecutionPage(deps, request.params.name, request.query.limit, request.query.next),
  );

  app.post(
    '/v1/webhooks',
    { schema: { body: CreateWebhookRequestSchema, response: { 201: WebhookResponseSchema } } },
    async (request, reply) => reply.status(201).send(await createWebhook(deps, request.body)),
  );
  app.get(
    '/v1/webhooks',
    { schema: { querystring: PageQuerySchema, response: { 200: WebhookListResponseSchema } } },
    async (request) => listWebhookPage(deps, request.query.limit, request.query.next),
  );
  app.get(
    '/v1/webhooks/:id',
    { schema: { params: WebhookParamsSchema, response: { 200: WebhookResponseSchema } } },
    async (request) => describeWebhook(deps, request.params.id),
  );
  app.post(
    '/v1/webhooks/:id/rotate',
    { schema: { params: WebhookParamsSchema, response: { 200: WebhookResponseSchema } } },
    async (request) => rotateWebhook(deps, request.params.id),
  );
  app.delete('/v1/webhooks/:id', { schema: { params: WebhookParamsSchema } }, async (request, reply) => {
    await removeWebhook(deps, request.params.id);
    return reply.status(204).send();
  });

  // Deliveries: the signature covers the raw bytes, so this route reads the body unparsed.
  await app.register(async (hooks) => {
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    hooks
      .withTypeProvider<ZodTypeProvider>()
      .post(
        '/v1/hooks/:id',
        { schema: { params: WebhookParamsSchema, response: { 202: WebhookDeliveryResponseSchema } } },
        async (request, reply) => {
          const header = (name: string) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value[0] : value;
          };
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const result = await acceptDelivery(
            deps,
            request.params.id,
            { body, signature: header(SIGNATURE_HEADER), deliveryId: header(DELIVERY_HEADER) },
            Math.floor(Date.now() / 1000),
          );
          return reply.status(202).send(result);
        },
      );
  });

  app.post(
    '/v1/queue-triggers',
    { schema: { body: CreateQueueTriggerRequestSchema, response: { 201: QueueTriggerResponseSchema } } },
    async (request, reply) => reply.status(201).send(await createQueueTrigger(deps, request.body)),
  );
  app.get(
    '/v1/queue-triggers',
    { schema: { querystring: PageQuerySchema, response: { 200: QueueTriggerListResponseSchema } } },
    async (request) => listQueueTriggerPage(deps, request.query.limit, request.query.next),
  );
  app.get(
    '/v1/queue-triggers/:name',
    { schema: { params: QueueTriggerParamsSchema, response: { 200: QueueTriggerResponseSchema } } },
    async (request) => describeQueueTrigger(deps, request.params.name),
  );
  app.delete('/v1/queue-triggers/:name', { schema: { params: QueueTriggerParamsSchema } }, async (request, reply) => {
    await removeQueueTrigger(deps, request.params.name);
    return reply.status(204).send();
  });
};
