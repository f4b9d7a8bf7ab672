import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ConnectionListResponseSchema,
  ConnectionParamsSchema,
  ConnectionResponseSchema,
  CreateConnectionRequestSchema,
  CreateConnectionResponseSchema,
} from '../../../schemas/api/connections';
import { ProblemBodySchema } from '../../../schemas/api/common';
import type { ServiceDeps } from '../../service/deps';
import { masterKeyOf } from '../../service/key-secrets';
import { createConnection, deleteConnection, describeConnection, listConnections } from '../../resources/connections';

/**
 * `/v1/connections`: what an HTTP Task's `Authentication.ConnectionArn` names, in EventBridge's
 * CreateConnection shape. Secrets go in once and never come back out (describe and list show
 * names and ids only); they are sealed under the master key at rest.
 */
export const connectionRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/connections',
    {
      schema: {
        body: CreateConnectionRequestSchema,
        response: { 201: CreateConnectionResponseSchema, 400: ProblemBodySchema, 409: ProblemBodySchema },
      },
    },
    async (request, reply) => {
      const connection = await createConnection(deps.pool, masterKeyOf(deps.config), request.body);
      deps.log.info(
        { connection: connection.name, authorizationType: connection.authorizationType },
        'connection created',
      );
      return reply.status(201).send({
        connectionArn: connection.connectionArn,
        connectionState: connection.connectionState,
        creationTime: connection.creationTime,
      });
    },
  );

  app.get('/v1/connections', { schema: { response: { 200: ConnectionListResponseSchema } } }, async () => ({
    connections: await listConnections(deps.pool),
  }));

  app.get(
    '/v1/connections/:name',
    { schema: { params: ConnectionParamsSchema, response: { 200: ConnectionResponseSchema, 404: ProblemBodySchema } } },
    async (request) => describeConnection(deps.pool, request.params.name),
  );

  app.delete(
    '/v1/connections/:name',
    { schema: { params: ConnectionParamsSchema, response: { 204: z.null(), 404: ProblemBodySchema } } },
    async (request, reply) => {
      await deleteConnection(deps.pool, request.params.name);
      deps.log.info({ connection: request.params.name }, 'connection deleted');
      return reply.status(204).send(null);
    },
  );
};
