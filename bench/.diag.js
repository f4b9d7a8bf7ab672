const { startBenchStack, BASELINE_TASK_QUEUE } = require('../dist/bench/stack');
const { connectClient } = require('../dist/bench/engines/temporal-runs');
const { temporal } = require('@temporalio/proto');
(async () => {
  const stack = await startBenchStack();
  try {
    const client = await connectClient(stack.temporalAddress, stack.namespace);
    if (process.env.ONE_PARTITION) { require('fs').appendFileSync(stack.dataDir + '/temporal/dynamicconfig.yaml', 'matching.numTaskqueueReadPartitions:\n  - value: 1\n    constraints: {}\nmatching.numTaskqueueWritePartitions:\n  - value: 1\n    constraints: {}\n'); await new Promise((r) => setTimeout(r, 15000)); }
    await new Promise((r) => setTimeout(r, 3000));
    const h = await client.workflow.start('loopTask', { taskQueue: BASELINE_TASK_QUEUE, workflowId: 'diag-1', args: [{ i: 0, n: Number(process.env.N || 8) }] }); const t0 = Date.now();
    await h.result(); console.log('total ms', Date.now() - t0);
    const hist = await h.fetchHistory();
    let prev;
    for (const e of hist.events) {
      const t = Number(e.eventTime.seconds) * 1000 + e.eventTime.nanos / 1e6;
      console.log(String(e.eventId).padStart(3), (prev ? (t - prev).toFixed(1) : '0').padStart(7), temporal.api.enums.v1.EventType[e.eventType]);
      prev = t;
    }
    await client.connection.close();
  } finally { await stack.stop(); }
})();
