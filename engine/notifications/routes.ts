import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateNotificationTargetRequestSchema,
  NotificationTargetListResponseSchema,
  NotificationTargetParamsSchema,
  NotificationTargetResponseSchema,
  UpdateNotificationTargetRequestSchema,
} from '../../schemas/api/notifications';
import { masterKeyOf } from '../service/api-keys';
import { ApiError } from '../api/errors';
import type { ServiceDeps } from '../service/deps';
import { createTarget, rotateTargetSecret, targetView } from './targets';
import { deleteTarget, findTarget, listTargets, updateTarget } from './targets-repo';

const notFound = (name: string) =>
  new ApiError('NOTIFICATION_TARGET_NOT_FOUND', `Notification target '${name}' does not exist`);

/**
 * `/v1/notification-targets`: where execution status changes are delivered (webhooks, NATS
 * JetStream, RabbitMQ), filtered by state machine and status. Create and rotate-secret answer
 * the signing secret, once.
 */
export const notificationRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/notification-targets',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Create a notification target',
        body: CreateNotificationTargetRequestSchema,
        response: { 201: NotificationTargetResponseSchema },
      },
    },
    async (request, reply) => {
      const created = await createTarget(deps.pool, masterKeyOf(deps.config), request.body);
      if (!created) throw new ApiError('CONFLICT', `A notification target named '${request.body.name}' already exists`);
      return reply.status(201).send(targetView(created.row, created.secret));
    },
  );

  app.get(
    '/v1/notification-targets',
    {
      schema: {
        tags: ['notifications'],
        summary: 'List notification targets, with their pending deliveries and last error',
        response: { 200: NotificationTargetListResponseSchema },
      },
    },
    async () => ({ targets: (await listTargets(deps.pool)).map((row) => targetView(row)) }),
  );

  app.get(
    '/v1/notification-targets/:name',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Describe a notification target',
        params: NotificationTargetParamsSchema,
        response: { 200: NotificationTargetResponseSchema },
      },
    },
    async (request) => {
      const row = await findTarget(deps.pool, request.params.name);
      if (!row) throw notFound(request.params.name);
      return targetView(row);
    },
  );

  app.patch(
    '/v1/notification-targets/:name',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Enable or disable a notification target, or change its filters',
        params: NotificationTargetParamsSchema,
        body: UpdateNotificationTargetRequestSchema,
        response: { 200: NotificationTargetResponseSchema },
      },
    },
    async (request) => {
      const { enabled, stateMachines, statuses } = request.body;
      const row = await updateTarget(deps.pool, request.params.name, {
        enabled,
        stateMachines: stateMachines && [...new Set(stateMachines)],
        statuses: statuses && [...new Set(statuses)],
      });
      if (!row) throw notFound(request.params.name);
      return targetView(row);
    },
  );

  app.post(
    '/v1/notification-targets/:name/rotate-secret',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Give a notification target a new signing secret (answered once)',
        params: NotificationTargetParamsSchema,
        response: { 200: NotificationTargetResponseSchema },
      },
    },
    async (request) => {
      const row = await findTarget(deps.pool, request.params.name);
      const secret = row && (await rotateTargetSecret(deps.pool, masterKeyOf(deps.config), row));
      if (!row || secret === undefined) throw notFound(request.params.name);
      return targetView(row, secret);
    },
  );

  app.delete(
    '/v1/notification-targets/:name',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Delete a notification target and the notifications it has still to deliver',
        params: NotificationTargetParamsSchema,
      },
    },
    async (request, reply) => {
      if (!(await deleteTarget(deps.pool, request.params.name))) throw notFound(request.params.name);
      return reply.status(204).send();
    },
  );
};
