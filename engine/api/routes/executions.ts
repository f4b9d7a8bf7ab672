import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ExecutionListResponseSchema,
  ExecutionLogQuerySchema,
  ExecutionLogResponseSchema,
  ListExecutionsQuerySchema,
  ExecutionParamsSchema,
  ExecutionResponseSchema,
  HistoryQuerySchema,
  HistoryResponseSchema,
  StopExecutionRequestSchema,
} from '../../../schemas/api/executions';
import {
  describeExecution,
  getExecutionHistoryPage,
  getExecutionLogPage,
  listExecutionPage,
} from '../../service/describe';
import type { ServiceDeps } from '../../service/deps';
import { stopExecution } from '../../service/stop';
import { redriveExecution } from '../../service/redrive';
import { streamHistory } from '../history-stream';

/**
 * `/v1/executions/{executionId}`: describe, history (paged, or its live stream with `?follow=true`),
 * execution log events (`/logs`), stop, redrive.
 */
export const executionRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.get(
    '/v1/executions',
    { schema: { querystring: ListExecutionsQuerySchema, response: { 200: ExecutionListResponseSchema } } },
    async (request) => listExecutionPage(deps, request.query),
  );

  app.get(
    '/v1/executions/:executionId',
    { schema: { params: ExecutionParamsSchema, response: { 200: ExecutionResponseSchema } } },
    async (request) => describeExecution(deps, request.params.executionId),
  );

  app.get(
    '/v1/executions/:executionId/history',
    {
      schema: {
        params: ExecutionParamsSchema,
        querystring: HistoryQuerySchema,
        response: { 200: HistoryResponseSchema },
      },
    },
    async (request, reply) => {
      const { executionId } = request.params;
      if (request.query.follow === 'true') {
        await describeExecution(deps, executionId);
        return streamHistory(deps, executionId, request, reply);
      }
      return getExecutionHistoryPage(deps, executionId, {
        limit: request.query.limit,
        next: request.query.next,
        reverse: request.query.reverse === 'true',
      });
    },
  );

  app.get(
    '/v1/executions/:executionId/logs',
    {
      schema: {
        params: ExecutionParamsSchema,
        querystring: ExecutionLogQuerySchema,
        response: { 200: ExecutionLogResponseSchema },
      },
    },
    async (request) => getExecutionLogPage(deps, request.params.executionId, request.query),
  );

  app.post(
    '/v1/executions/:executionId/stop',
    {
      schema: {
        params: ExecutionParamsSchema,
        body: StopExecutionRequestSchema.optional(),
        response: { 200: ExecutionResponseSchema },
      },
    },
    async (request) => {
      await stopExecution(deps, request.params.executionId, request.body ?? {});
      return describeExecution(deps, request.params.executionId);
    },
  );

  app.post(
    '/v1/executions/:executionId/redrive',
    { schema: { params: ExecutionParamsSchema, response: { 200: ExecutionResponseSchema } } },
    async (request) => {
      await redriveExecution(deps, request.params.executionId);
      return describeExecution(deps, request.params.executionId);
    },
  );
};
