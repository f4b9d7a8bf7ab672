import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Config } from '../../schemas/config';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { workflowBundlePath } from './bundle-workflows';
import { installTemporalRuntime } from './runtime';

/** A running worker: `run` resolves when it has shut down after `shutdown()`. */
export interface StepflowWorker {
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts a worker on the task queue: the prebuilt workflow bundle and the activities. */
export async function startWorker(config: Config, address: string, log: Logger): Promise<StepflowWorker> {
  installTemporalRuntime(log);
  const pool = createPool(config.DATABASE_URL, log);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: createActivities({ pool, functionsDir: config.FUNCTIONS_DIR, log: log.child({ component: 'activities' }) }),
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address }, 'worker started');
  const run = worker.run().finally(async () => {
    await connection.close();
    await pool.end();
  });
  return {
    run,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
}
