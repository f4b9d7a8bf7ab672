import { NativeConnection, Worker } from '@temporalio/worker';
import { createFunctionActivities } from '../../activities/invoke-function';
import { createResourceActivities } from '../../activities/resources';
import { resourceActivityDeps } from '../resources/host-deps';
import { tokenSigner } from '../../activities/token-signer';
import type { Config } from '../../schemas/config';
import { functionsTaskQueue } from '../../workflows/messages';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { createMetrics } from '../metrics';
import { temporalSecurity } from '../temporal/connection-options';
import { installTemporalRuntime } from '../temporal/runtime';
import { installTracing } from '../telemetry/tracing';
import { workerTracingOptions } from '../telemetry/worker-tracing';
import { runWorker } from '../temporal/worker';
import { FunctionPool } from './pool';

/** A running function host: `run` resolves when it has shut down after `shutdown()`. */
export interface FunctionHost {
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * `stepflow functions`: serves `invokeFunction` on the function host's task queue
 * (`<TEMPORAL_TASK_QUEUE>-functions`) and runs each invocation in a process of its pool, under the
 * configured memory and CPU-time limits. It registers no workflow: a function never shares a
 * process with workflows, and a host can crash and restart without touching them.
 */
export async function startFunctionHost(config: Config, address: string, log: Logger): Promise<FunctionHost> {
  installTemporalRuntime(log);
  const tracing = installTracing(config, 'functions');
  const pool = createPool(config.DATABASE_URL, log);
  const functions = new FunctionPool({
    functionsDir: config.FUNCTIONS_DIR,
    limits: {
      size: config.FUNCTIONS_CONCURRENCY,
      memoryMb: config.FUNCTIONS_MEMORY_LIMIT_MB,
      cpuMs: config.FUNCTIONS_CPU_LIMIT_SECONDS * 1000,
    },
    log: log.child({ component: 'function-pool' }),
  });
  functions.warm();
  const metrics = createMetrics('functions');
  const connection = await NativeConnection.connect({ address, ...temporalSecurity(config) });
  const taskQueue = functionsTaskQueue(config.TEMPORAL_TASK_QUEUE);
  const resources = resourceActivityDeps(config, pool, log.child({ component: 'resources' }), metrics);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    activities: {
      ...createFunctionActivities({
        pool,
        functions,
        log: log.child({ component: 'functions' }),
        sign: tokenSigner(pool, config.STEPFLOW_TOKEN_SECRET),
        metrics,
      }),
      ...createResourceActivities(resources),
    },
    // Each invocation runs alone in a process of the pool; up to FUNCTIONS_QUEUE_DEPTH more wait
    // here for one, so that a process never idles while the next task travels from Temporal.
    maxConcurrentActivityTaskExecutions: config.FUNCTIONS_CONCURRENCY + config.FUNCTIONS_QUEUE_DEPTH,
    ...workerTracingOptions(tracing),
  });
  log.info(
    {
      taskQueue,
      address,
      limits: {
        processes: config.FUNCTIONS_CONCURRENCY,
        queueDepth: config.FUNCTIONS_QUEUE_DEPTH,
        memoryMb: config.FUNCTIONS_MEMORY_LIMIT_MB,
        cpuSeconds: config.FUNCTIONS_CPU_LIMIT_SECONDS,
      },
    },
    'function host started',
  );
  // The same `/metrics` endpoint a workflow worker serves: compose's healthcheck of the host reads it.
  return runWorker(worker, { config, metrics, log }, async () => {
    resources.aws.destroy();
    await functions.close();
    await connection.close();
    await pool.end();
  });
}
