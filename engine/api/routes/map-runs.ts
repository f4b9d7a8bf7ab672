import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ExecutionParamsSchema } from '../../../schemas/api/executions';
import {
  MapRunListQuerySchema,
  MapRunListResponseSchema,
  MapRunParamsSchema,
  MapRunResponseSchema,
  UpdateMapRunRequestSchema,
} from '../../../schemas/api/map-runs';
import type { ServiceDeps } from '../../service/deps';
import { describeMapRun, listMapRunPage, updateMapRun } from '../../service/map-runs';

/**
 * Map Runs of Distributed Maps: `GET /v1/executions/{executionId}/map-runs` (ListMapRuns),
 * `GET /v1/map-runs/{mapRunArn}` (DescribeMapRun), `PATCH /v1/map-runs/{mapRunArn}`
 * (UpdateMapRun). The ARN goes URL-encoded in the path; field names are those of the SFN shapes.
 */
export const mapRunRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.get(
    '/v1/executions/:executionId/map-runs',
    {
      schema: {
        params: ExecutionParamsSchema,
        querystring: MapRunListQuerySchema,
        response: { 200: MapRunListResponseSchema },
      },
    },
    async (request) => listMapRunPage(deps, request.params.executionId, request.query),
  );

  app.get(
    '/v1/map-runs/:mapRunArn',
    { schema: { params: MapRunParamsSchema, response: { 200: MapRunResponseSchema } } },
    async (request) => describeMapRun(deps, request.params.mapRunArn),
  );

  app.patch(
    '/v1/map-runs/:mapRunArn',
    {
      schema: { params: MapRunParamsSchema, body: UpdateMapRunRequestSchema, response: { 200: MapRunResponseSchema } },
    },
    async (request) => updateMapRun(deps, request.params.mapRunArn, request.body),
  );
};
