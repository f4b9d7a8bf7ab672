import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type onRouteHookHandler,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { ServiceDeps } from '../service/deps';
import { createMetrics, type Metrics } from '../metrics';
import { installAuth } from './auth';
import { ApiError, isDataException, toApiError } from './errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-limits';
import { registerOpenApi } from './openapi';
import { instrumentRequests, opsRoutes } from './ops';
import { activityRoutes } from './routes/activities';
import { callbackRoutes } from './routes/callbacks';
import { connectionRoutes } from './routes/connections';
import { consoleRoutes } from './routes/console';
import { executionRoutes } from './routes/executions';
import { mapRunRoutes } from './routes/map-runs';
import { stateMachineRoutes } from './routes/state-machines';
import { testStateRoutes } from './routes/test-state';
import { triggerRoutes } from './routes/triggers';
import { sfnProtocol } from './sfn/plugin';
import { notificationRoutes } from '../notifications/routes';
import { traceRequests } from '../telemetry/api-tracing';

/** Largest request body: a 1 MiB definition (Step Functions' limit) with JSON escaping to spare. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Version reported in the OpenAPI document. */
const API_VERSION = '1.0.0';

/** The 400 for JSON nested deeper than MAX_JSON_DEPTH. */
function tooDeep(what: string): ApiError {
  return new ApiError('JSON_TOO_DEEP', `${what} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Postgres connection failures (server down, refused, shutting down): answered with 503. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08004']);

/**
 * Builds the HTTP app (not listening: tests use `inject()`, the `api` command listens).
 * Every error answers `{code, message, problems?}`: 400 with a JSON pointer per problem for bad
 * input, 404/409 for missing or conflicting resources, 503 while a store is unavailable.
 */
export function buildApi(
  deps: ServiceDeps,
  metrics: Metrics = createMetrics('api'),
  options: { onRoute?: onRouteHookHandler } = {},
): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    requestIdHeader: 'x-request-id',
    requestIdLogLabel: 'requestId',
    genReqId: () => randomUUID(),
    // A path parameter may be a Map Run ARN (`/v1/map-runs/{mapRunArn}`, about 150 characters).
    routerOptions: { maxParamLength: 512 },
  });
  // Sees every route (the auth tests check each one has a deliberate scope).
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // JSON bodies: the depth is bounded on the raw text before parsing (see json-limits.ts), then
  // Fastify's own parser (which refuses `__proto__` keys) runs.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestsDeeperThan(text)) return done(tooDeep('The request body'), undefined);
    void parseJson(request, text, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      // REST carries JSON as JSON; the one member that may be JSON *text* is a `definition`
      // given as a string. Any other string is the user's data, whatever brackets it holds.
      const definition = (value as { definition?: unknown } | null)?.definition;
      const deep = typeof definition === 'string' && nestsDeeperThan(definition);
      return deep ? done(tooDeep("The JSON text in 'definition'"), undefined) : done(null, value);
    });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = toApiError(err);
    if (known) {
      return reply
        .status(known.status)
        .send({ code: known.code, message: known.message, ...(known.problems ? { problems: known.problems } : {}) });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const problems = err.validation.map((issue) => ({
        code: 'VALIDATION_FAILED',
        path: `/${where}${issue.instancePath}`,
        message: issue.message ?? 'is invalid',
      }));
      return reply
        .status(400)
        .send({ code: 'VALIDATION_FAILED', message: `The request ${where} is invalid`, problems });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ code: 'VALIDATION_FAILED', message: err.message });
    }
    if (isDataException(err)) {
      request.log.warn({ err }, 'request value refused by the store');
      return reply
        .status(400)
        .send({ code: 'VALIDATION_FAILED', message: 'A value in the request is malformed or out of range' });
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

  traceRequests(app);
  instrumentRequests(app, metrics);
  installAuth(app, deps);
  registerOpenApi(app, API_VERSION);
  app.register(opsRoutes, { deps, metrics });
  app.register(stateMachineRoutes, { deps });
  app.register(executionRoutes, { deps });
  app.register(mapRunRoutes, { deps });
  app.register(callbackRoutes, { deps });
  app.register(activityRoutes, { deps });
  app.register(connectionRoutes, { deps });
  app.register(testStateRoutes, { deps });
  app.register(notificationRoutes, { deps });
  app.register(triggerRoutes, { deps });
  app.register(sfnProtocol, { deps });
  app.register(consoleRoutes);
  return app;
}
