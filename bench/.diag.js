const { startBenchStack, BASELINE_TASK_QUEUE } = require('../dist/bench/stack');
const { connectClient } = require('../dist/bench/engines/temporal-runs');
const { temporal } = require('@temporalio/proto');
(async () => {
  const stack = await startBenchStack();
  try {
    const client = await connectClient(stack.temporalAddress, stack.namespace);
    await new Promise((r) => setTimeout(r, 3000));
    const h = await client.workflow.start('loopTask', { taskQueue: BASELINE_TASK_QUEUE, workflowId: 'diag-1', args: [{ i: 0, n: 8 }] });
    await h.result();
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
