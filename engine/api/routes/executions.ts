import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ExecutionParamsSchema, ExecutionResponseSchema, HistoryResponseSchema } from '../../../schemas/api/executions';
import { describeExecution, getExecutionHistory } from '../../executions/describe';
import type { ServiceDeps } from '../../executions/deps';

/** `/v1/executions/{executionId}` and its history. */
export const executionRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.get(
    '/v1/executions/:executionId',
    { schema: { params: ExecutionParamsSchema, response: { 200: ExecutionResponseSchema } } },
    async (request) => describeExecution(deps, request.params.executionId),
  );

  app.get(
    '/v1/executions/:executionId/history',
    { schema: { params: ExecutionParamsSchema, response: { 200: HistoryResponseSchema } } },
    async (request) => ({ events: await getExecutionHistory(deps, request.params.executionId) }),
  );
};
