import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../../schemas/config';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { workflowBundlePath } from '../temporal/bundle-workflows';
import { createTemporalClient } from '../temporal/client';
import { spansExported } from '../telemetry/spans-header';
import { installTracing } from '../telemetry/tracing';
import { workerTracingOptions } from '../telemetry/worker-tracing';
import { temporalSecurity } from '../temporal/connection-options';
import { installTemporalRuntime } from '../temporal/runtime';
import { triggersTaskQueue } from '../../workflows/scheduled-execution';
import { QueueTriggerManager } from './consumer/manager';
import { createScheduleActivities } from './schedule-activities';
import { createMetrics } from '../metrics';
import { flushStartedMarks } from '../service/start';
import { serveMetrics } from '../temporal/worker';

/** The running triggers process: `run` settles when it has shut down after `shutdown()`. */
export interface TriggersProcess {
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * `stepflow triggers`: serves the schedules' actions (a Temporal worker on the triggers task
 * queue: the `scheduledExecution` workflow and its activities) and consumes every queue trigger
 * configured through the API. Both start executions through the API's start use case. With
 * `WORKER_METRICS_PORT` set it serves its Prometheus `/metrics` there, which is also what tells a
 * supervisor (the compose healthcheck) that it is up.
 */
export async function startTriggers(config: Config, address: string, log: Logger): Promise<TriggersProcess> {
  installTemporalRuntime(log);
  const pool = createPool(config.DATABASE_URL, log);
  const temporal = await createTemporalClient(address, config.TEMPORAL_NAMESPACE, {
    security: temporalSecurity(config),
    spans: spansExported(config),
  });
  const deps = { pool, temporal, config, log };
  const connection = await NativeConnection.connect({ address, ...temporalSecurity(config) });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: triggersTaskQueue(config.TEMPORAL_TASK_QUEUE),
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createScheduleActivities(deps),
    // A schedule's workflow records spans when this deployment exports them (spans-header.ts).
    ...workerTracingOptions(installTracing(config, 'triggers')),
  });
  const queues = new QueueTriggerManager(deps, config.STEPFLOW_TRIGGERS_RELOAD_SECONDS * 1000);
  await queues.start();
  const metricsServer =
    config.WORKER_METRICS_PORT === undefined
      ? undefined
      : serveMetrics(createMetrics('triggers'), config.HOST, config.WORKER_METRICS_PORT, log);
  log.info({ taskQueue: triggersTaskQueue(config.TEMPORAL_TASK_QUEUE) }, 'triggers started');
  const run = worker.run().finally(async () => {
    metricsServer?.close();
    await queues.stop();
    await connection.close();
    await temporal.connection.close();
    await flushStartedMarks(pool);
    await pool.end();
    await installTracing(config, 'triggers').shutdown();
  });
  return {
    run,
    async shutdown() {
      await queues.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
}
