/**
 * The hand-written baseline's worker, run as its own process (as `stepflow worker` is): the same
 * Temporal server, SDK defaults and no-op activity, its own task queue. Sends 'ready' over IPC.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, BASELINE_TASK_QUEUE, and BASELINE_BUNDLE: a file
 * holding the bundled workflows, written by the first worker and reused by restarted ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createBaselineActivities } from './activities';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS as string;
  const logger = new DefaultLogger('WARN');
  Runtime.install({ logger });
  const bundleFile = process.env.BASELINE_BUNDLE;
  let code: string;
  if (bundleFile && fs.existsSync(bundleFile)) code = fs.readFileSync(bundleFile, 'utf8');
  else {
    ({ code } = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.js'), logger }));
    if (bundleFile) fs.writeFileSync(bundleFile, code);
  }
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.BASELINE_TASK_QUEUE as string,
    workflowBundle: { code },
    activities: createBaselineActivities(),
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const run = worker.run();
  process.send?.('ready');
  await run;
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`baseline worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
