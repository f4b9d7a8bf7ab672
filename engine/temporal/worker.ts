import http from 'node:http';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createMetrics, type Metrics } from '../metrics';
import { createActivities } from '../../activities';
import type { Config } from '../../schemas/config';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { AwsClients } from '../resources/aws/clients';
import { workflowBundlePath } from './bundle-workflows';
import { temporalSecurity } from './connection-options';
import { installTemporalRuntime } from './runtime';
import { installTracing } from '../telemetry/tracing';
import { workerTracingOptions } from '../telemetry/worker-tracing';

/**
 * How long one workflow activation may run before the worker's sandbox interrupts it (the SDK's
 * `isolateExecutionTimeout`, 5 s by default and not in its typed options). An interrupted
 * activation corrupts Node's async-hook stack (the sandbox drains microtasks inside the VM call,
 * nodejs/node#38503) and the worker process dies with "async hook stack has become corrupted",
 * taking every workflow it runs with it. The interpreter keeps activations short (ACTIVATION_BUDGET,
 * SYNC_STEPS_BEFORE_YIELD), so only an overloaded machine makes one slow: then Temporal's 10 s
 * workflow task timeout retries it, and the worker lives.
 */
const ISOLATE_EXECUTION_TIMEOUT = '60s';

/** A running worker: `run` resolves when it has shut down after `shutdown()`. */
export interface StepflowWorker {
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts a workflow worker on the task queue: the prebuilt workflow bundle and the bookkeeping
 * activities. It runs no function: those run on the function host (engine/functions/host.ts).
 */
export async function startWorker(config: Config, address: string, log: Logger): Promise<StepflowWorker> {
  installTemporalRuntime(log);
  const tracing = installTracing(config, 'worker');
  const pool = createPool(config.DATABASE_URL, log);
  const metrics = createMetrics('worker');
  const connection = await NativeConnection.connect({ address, ...temporalSecurity(config) });
  // Distributed Maps' ItemReader / ResultWriter: the SDK reads endpoint, region and credentials from the environment.
  const aws = new AwsClients({ s3ForcePathStyle: config.STEPFLOW_S3_FORCE_PATH_STYLE });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({
      pool,
      log: log.child({ component: 'activities' }),
      metrics,
      tokenSecret: config.STEPFLOW_TOKEN_SECRET,
      s3: () => aws.s3(),
    }),
    ...workerTracingOptions(tracing),
    // Read by the SDK's option defaults (worker-options.js spreads the given options over them).
    ...({ isolateExecutionTimeout: ISOLATE_EXECUTION_TIMEOUT } as object),
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address }, 'worker started');
  return runWorker(worker, { config, metrics, log }, async () => {
    await connection.close();
    await pool.end();
    aws.destroy();
  });
}

/**
 * Runs a created Temporal worker — a workflow worker or a function host — with its `/metrics`
 * endpoint when `WORKER_METRICS_PORT` is set, until `shutdown()`; then `release` frees what it held.
 */
export function runWorker(
  worker: Worker,
  served: { config: Config; metrics: Metrics; log: Logger },
  release: () => Promise<void>,
): StepflowWorker {
  const { config, metrics, log } = served;
  const metricsServer =
    config.WORKER_METRICS_PORT === undefined
      ? undefined
      : serveMetrics(metrics, config.HOST, config.WORKER_METRICS_PORT, log);
  const run = worker.run().finally(async () => {
    metricsServer?.close();
    await installTracing(config, 'worker').shutdown();
    await release();
  });
  return {
    run,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
}

/** Serves the worker's Prometheus metrics at `/metrics`. */
export function serveMetrics(metrics: Metrics, host: string, port: number, log: Logger): http.Server {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err) => {
        log.error({ err }, 'metrics failed');
        response.writeHead(500).end();
      },
    );
  });
  server.listen(port, host, () => log.info({ url: `http://${host}:${port}/metrics` }, 'worker metrics listening'));
  return server;
}
