import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ServiceDeps } from '../executions/deps';
import { ApiError } from './errors';
import { executionRoutes } from './routes/executions';
import { stateMachineRoutes } from './routes/state-machines';
import { sfnProtocol } from './sfn/plugin';

/** Postgres connection failures (server down, refused, shutting down): answered with 503. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08004']);

/**
 * Builds the HTTP app (not listening: tests use `inject()`, the `api` command listens).
 * Every error answers `{code, message, problems?}`: 400 with a JSON pointer per problem for bad
 * input, 404/409 for missing or conflicting resources, 503 while a store is unavailable.
 */
export function buildApi(deps: ServiceDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.status).send({ code: err.code, message: err.message, ...(err.problems ? { problems: err.problems } : {}) });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const problems = err.validation.map((issue) => ({
        code: 'VALIDATION_FAILED',
        path: `/${where}${issue.instancePath}`,
        message: issue.message ?? 'is invalid',
      }));
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: `The request ${where} is invalid`, problems });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ code: 'VALIDATION_FAILED', message: err.message });
    }
    if (UNAVAILABLE_CODES.has(String((err as { code?: string }).code))) {
      request.log.warn({ err }, 'store unavailable');
      return reply.status(503).send({ code: 'SERVICE_UNAVAILABLE', message: 'A backing store is unavailable; retry' });
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send({ code: 'INTERNAL', message: 'Internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` }),
  );

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get('/healthz', async () => ({ status: 'ok' }));
  app.register(stateMachineRoutes, { deps });
  app.register(executionRoutes, { deps });
  app.register(sfnProtocol, { deps });
  return app;
}
