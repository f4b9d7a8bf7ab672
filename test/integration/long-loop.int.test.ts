import { Client, Connection } from '@temporalio/client';
import { createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';
import { expectTaskLoopHistory, taskLoop } from './support/scale-machines';
import { readStack } from './support/stack';
import { settledRuns } from './support/temporal-runs';

/**
 * The long run, at the default continue-as-new threshold (8,000 Temporal events): a Task
 * loop of 20,000 iterations needs about 120,000 Temporal events, more than twice Temporal's
 * 51,200-event limit, so it can only complete by continuing as new many times; to the user it is
 * one execution with one gap-free history of 140,006 events.
 */
describe('a 20,000-iteration Task loop on the real stack', () => {
  let temporal: Client;

  beforeAll(async () => {
    const stack = readStack();
    temporal = new Client({
      connection: await Connection.connect({ address: stack.temporalAddress }),
      namespace: stack.namespace,
    });
  });

  afterAll(async () => {
    await temporal?.connection.close();
  });

  test('completes across more than a dozen Temporal runs with one gap-free Stepflow history', async () => {
    const iterations = 20_000;
    const machine = uniqueName('loop20k');
    await createMachine(machine, taskLoop(iterations));
    const started = Date.now();
    const id = await startExecution(machine, {});
    const done = await waitForEnd(id, 3_600_000);
    const seconds = (Date.now() - started) / 1000;
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { n: iterations, runs: iterations } });

    expectTaskLoopHistory(await history(id), iterations);

    const runs = await settledRuns(temporal, id);
    // About six Temporal events per iteration and a hand-over at 8,000: some 15 runs.
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(12);
    expect(runs.at(-1)?.status).toBe('COMPLETED');
    // Each run stayed far below Temporal's 51,200-event limit.
    expect(runs.every((r) => r.historyLength <= 10_000)).toBe(true);
    // Reported in the test log, never asserted (wall-clock time).
    console.log(`loop of 20,000 Tasks: ${seconds.toFixed(0)} s, ${runs.length} Temporal runs`);
  }, 3_700_000);
});
