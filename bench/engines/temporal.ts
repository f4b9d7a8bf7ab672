import type { Client } from '@temporalio/client';
import type { BenchConfig } from '../config';
import type { WalMeter } from '../metrics';
import { BASELINE_TASK_QUEUE, type BenchStack } from '../stack';
import { runOnTemporal } from './temporal-runs';
import type { Engine } from './types';

/** (b) The hand-written Temporal workflows (bench/baseline/), started with the Temporal client. */
export function temporalEngine(stack: BenchStack, client: Client, wal: WalMeter, config: BenchConfig): Engine {
  let runTag = 0;
  return {
    name: 'temporal',
    supports: () => true,
    async run(workload, round) {
      const tag = `${workload.name}-${round}-${runTag++}`;
      return runOnTemporal(
        {
          engine: 'temporal',
          client,
          wal,
          pids: () => ({ worker: stack.pids.baselineWorker, server: stack.pids.temporalServer }),
          workerPid: () => stack.pids.baselineWorker,
          restartWorker: async () => {
            await stack.restartWorker('baselineWorker');
          },
          startConcurrency: config.startConcurrency,
          historySample: config.historySample,
          roundTimeoutMs: config.roundTimeoutMs,
          stuckAttempts: config.stuckAttempts,
          async start(index, input) {
            const handle = await client.workflow.start(workload.baselineWorkflow, {
              taskQueue: BASELINE_TASK_QUEUE,
              workflowId: `${tag}-${index}`,
              args: workload.baselineArgs(input),
            });
            return handle.workflowId;
          },
        },
        workload,
        round,
      );
    },
    async close() {},
  };
}
