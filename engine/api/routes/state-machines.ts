import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ProblemBodySchema } from '../../../schemas/api/common';
import { ExecutionResponseSchema, StartExecutionRequestSchema } from '../../../schemas/api/executions';
import {
  CreateStateMachineRequestSchema,
  PageQuerySchema,
  StateMachineListResponseSchema,
  StateMachineParamsSchema,
  StateMachineResponseSchema,
} from '../../../schemas/api/state-machines';
import type { ServiceDeps } from '../../service/deps';
import { startExecution } from '../../service/start';
import { currentBindings } from '../../resources/bindings';
import { unsupportedResources } from '../../resources/validate';
import { createStateMachine, describeStateMachine, listStateMachines } from '../../service/state-machines';
import { checkDefinitionSize } from '../json-limits';
import { stateMachineVersionRoutes } from './state-machine-versions';

/** `/v1/state-machines`: create (a new immutable version), list, describe, start an execution. */
export const stateMachineRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  await app.register(stateMachineVersionRoutes, { deps });
  app.get(
    '/v1/state-machines',
    { schema: { querystring: PageQuerySchema, response: { 200: StateMachineListResponseSchema } } },
    async (request) => {
      const { stateMachines, next } = await listStateMachines(deps, request.query.limit, request.query.next);
      return {
        stateMachines: stateMachines.map((row) => ({
          name: row.name,
          type: row.type,
          createdAt: row.createdAt.toISOString(),
        })),
        ...(next !== undefined ? { next } : {}),
      };
    },
  );

  app.post(
    '/v1/state-machines',
    {
      schema: {
        body: CreateStateMachineRequestSchema,
        response: { 200: StateMachineResponseSchema, 201: StateMachineResponseSchema, 400: ProblemBodySchema },
      },
    },
    async (request, reply) => {
      checkDefinitionSize(request.body.definition);
      const { stateMachine, created } = await createStateMachine(deps, request.body);
      const diagnostics = unsupportedResources(stateMachine.definition, currentBindings(deps.config, deps.log));
      return reply
        .status(created ? 201 : 200)
        .send(diagnostics.length > 0 ? { ...stateMachine, diagnostics } : stateMachine);
    },
  );

  app.get(
    '/v1/state-machines/:name',
    { schema: { params: StateMachineParamsSchema, response: { 200: StateMachineResponseSchema } } },
    async (request) => describeStateMachine(deps, request.params.name),
  );

  app.post(
    '/v1/state-machines/:name/executions',
    {
      schema: {
        params: StateMachineParamsSchema,
        body: StartExecutionRequestSchema.optional(),
        response: { 200: ExecutionResponseSchema, 201: ExecutionResponseSchema },
      },
    },
    async (request, reply) => {
      const { execution, created } = await startExecution(deps, request.params.name, request.body ?? {});
      return reply.status(created ? 201 : 200).send(execution);
    },
  );
};
