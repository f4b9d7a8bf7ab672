import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ServiceDeps } from '../service/deps';
import type { Metrics } from '../metrics';

/** How long a readiness probe waits for each dependency. */
const PROBE_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

/**
 * Request metrics on every route: latency by route and status, and executions started (REST or
 * Step Functions protocol). Call on the root instance so the hook sees all routes.
 */
export function instrumentRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const target = String(request.headers['x-amz-target'] ?? '');
    const started =
      (route === '/v1/state-machines/:name/executions' && reply.statusCode === 201) ||
      (route === '/' && reply.statusCode === 200 && /\.Start(Sync)?Execution$/.test(target));
    if (started) metrics.executionsStarted.inc();
    metrics.apiDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/**
 * Operations endpoints: `/healthz` (the process is up), `/readyz` (Postgres and Temporal answer;
 * 503 naming what does not) and `/metrics` (Prometheus).
 */
export const opsRoutes: FastifyPluginAsync<{ deps: ServiceDeps; metrics: Metrics }> = async (
  app,
  { deps, metrics },
) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.pool.query('SELECT 1'), 'postgres'),
      withTimeout(deps.temporal.connection.workflowService.getSystemInfo({}), 'temporal'),
    ]);
    const [postgres, temporal] = checks.map((check) =>
      check.status === 'fulfilled' ? 'ok' : String((check.reason as Error).message),
    );
    const ready = postgres === 'ok' && temporal === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', postgres, temporal });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
