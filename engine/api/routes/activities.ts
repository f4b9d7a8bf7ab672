import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ActivityListResponseSchema,
  ActivityParamsSchema,
  ActivityResponseSchema,
  CreateActivityRequestSchema,
} from '../../../schemas/api/activities';
import { PageQuerySchema } from '../../../schemas/api/state-machines';
import {
  createActivity,
  deleteActivity,
  describeActivity,
  listActivities,
  type ActivityRow,
} from '../../service/activities';
import type { ServiceDeps } from '../../service/deps';
import { activityArn } from '../sfn/arn';

const view = (row: ActivityRow) => ({
  name: row.name,
  activityArn: activityArn(row.name),
  createdAt: row.createdAt.toISOString(),
});

/** `/v1/activities`: create (idempotent by name), list, describe, delete. Workers poll `…/{name}/poll`. */
export const activityRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/activities',
    {
      schema: {
        body: CreateActivityRequestSchema,
        response: { 200: ActivityResponseSchema, 201: ActivityResponseSchema },
      },
    },
    async (request, reply) => {
      const { activity, created } = await createActivity(deps, request.body.name);
      return reply.status(created ? 201 : 200).send(view(activity));
    },
  );

  app.get(
    '/v1/activities',
    { schema: { querystring: PageQuerySchema, response: { 200: ActivityListResponseSchema } } },
    async (request) => {
      const { activities, next } = await listActivities(deps, request.query.limit, request.query.next);
      return { activities: activities.map(view), ...(next !== undefined ? { next } : {}) };
    },
  );

  app.get(
    '/v1/activities/:name',
    { schema: { params: ActivityParamsSchema, response: { 200: ActivityResponseSchema } } },
    async (request) => view(await describeActivity(deps, request.params.name)),
  );

  app.delete('/v1/activities/:name', { schema: { params: ActivityParamsSchema } }, async (request, reply) => {
    await deleteActivity(deps, request.params.name);
    return reply.status(204).send();
  });
};
