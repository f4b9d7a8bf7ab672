import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { SPANS_HEADER, TRACE_HEADER } from '../../engine/telemetry/headers';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { expectTaskLoopHistory, taskLoop } from './support/scale-machines';
import { startHeaders, waitForRuns } from './support/temporal-runs';

/**
 * Fan-out and long runs on a stack of its own whose executions continue as new past 500 Temporal
 * events (STEPFLOW_CONTINUE_AS_NEW_EVENTS; the default is 8,000), so that loops short enough for
 * this shared 2-core machine cross many runs, as a 20,000-iteration loop does with the default.
 */
describe('scale: continue-as-new on the real stack', () => {
  let own: OwnStack;
  let temporal: Client;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.STEPFLOW_CONTINUE_AS_NEW_EVENTS = '500';
    own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
    temporal = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
  }, 180_000);

  afterAll(async () => {
    process.env = saved;
    await temporal?.connection.close();
    await own?.destroy();
  }, 60_000);

  /**
   * The replay suite keeps a continued execution's first run (it ends continuing as new) and its
   * last (it starts from a continuation): `RECORD_HISTORIES=1` writes them when missing.
   */
  test('a loop of 100 Tasks hands over once and its two runs are kept for the replay suite', async () => {
    const machine = uniqueName('loop100');
    await createMachine(machine, taskLoop(100));
    const id = await startExecution(machine, {});
    expect(await waitForEnd(id, 300_000)).toMatchObject({ status: 'SUCCEEDED', output: { n: 100, runs: 100 } });
    expectCompleteHistory(await history(id));
    const runs = await waitForRuns(temporal, id, 2);
    expect(runs.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'COMPLETED']);
    // Recorded before workflows carried SPANS_HEADER (kept), and again since (the runs without spans).
    const files = {
      'scale-continue-as-new-first-run': runs[0].runId,
      'scale-continue-as-new-last-run': runs[1].runId,
      'unexported-spans-continue-as-new-first-run': runs[0].runId,
      'unexported-spans-continue-as-new-last-run': runs[1].runId,
    };
    const runHeaders: Array<ReturnType<typeof startHeaders>> = [];
    for (const [name, runId] of Object.entries(files)) {
      const recorded = await temporal.workflow.getHandle(id, runId).fetchHistory();
      expect(recorded.events?.length).toBeGreaterThan(0);
      runHeaders.push(startHeaders(recorded));
      const file = path.join(__dirname, '..', 'replay', 'histories', `${name}.history.bin`);
      if (process.env.RECORD_HISTORIES && !fs.existsSync(file)) {
        fs.writeFileSync(file, proto.api.history.v1.History.encode(recorded).finish());
      }
    }
    // The next run records no spans either, and goes on in the trace the execution started in.
    const [first, last] = runHeaders;
    expect(defaultPayloadConverter.fromPayload(last[SPANS_HEADER])).toBe(false);
    expect(first[TRACE_HEADER]?.data).toBeDefined();
    expect(Buffer.from(last[TRACE_HEADER]?.data ?? []).toString()).toBe(
      Buffer.from(first[TRACE_HEADER]?.data ?? []).toString(),
    );
  }, 400_000);

  test('a Task loop of 1,000 iterations completes across a dozen runs with one gap-free history', async () => {
    const machine = uniqueName('loop1k');
    await createMachine(machine, taskLoop(1_000));
    const started = Date.now();
    const id = await startExecution(machine, {});
    const done = await waitForEnd(id, 900_000);
    const seconds = (Date.now() - started) / 1000;
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { n: 1_000, runs: 1_000 } });
    expectTaskLoopHistory(await history(id), 1_000);
    const runs = await waitForRuns(temporal, id, 2);
    const continued = runs.filter((r) => r.status === 'CONTINUED_AS_NEW');
    // About six Temporal events per iteration: a hand-over every 80-odd iterations.
    expect(continued.length).toBeGreaterThanOrEqual(10);
    expect(runs.at(-1)?.status).toBe('COMPLETED');
    expect(runs.every((r) => r.historyLength < 1_000)).toBe(true);
    // Reported in the test log, never asserted (wall-clock time).
    console.log(`loop of 1,000 Tasks: ${seconds.toFixed(0)} s, ${runs.length} Temporal runs`);
  }, 1_000_000);

  test('StopExecution and RedriveExecution work on an execution that continued as new', async () => {
    const machine = uniqueName('loopstop');
    await createMachine(machine, taskLoop(600));
    const id = await startExecution(machine, {});
    // Two hand-overs behind it: the API addresses the workflow by id, whatever its run.
    await waitForRuns(temporal, id, 3);
    const stopped = await call('POST', `/v1/executions/${encodeURIComponent(id)}/stop`, {
      error: 'Operator',
      cause: 'halfway',
    });
    expect(stopped.status).toBe(200);
    const aborted = await waitForEnd(id);
    expect(aborted).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'halfway' });
    // The status is ABORTED as soon as the stop is accepted; the workflow then closes the history
    // with ExecutionAborted (README, Stop): wait for that event, not for the status alone.
    let events = await history(id);
    for (let i = 0; i < 120 && events.at(-1)?.type !== 'ExecutionAborted'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      events = await history(id);
    }
    expectCompleteHistory(events);
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    const doneBefore = events.filter((e) => e.type === 'LambdaFunctionSucceeded').length;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(600);

    // The workflow may still be closing: redrive answers 409 "still stopping; retry" until it has.
    let redriven = await call('POST', `/v1/executions/${encodeURIComponent(id)}/redrive`, {});
    for (let i = 0; i < 120 && redriven.status === 409 && /still stopping/.test(JSON.stringify(redriven.body)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      redriven = await call('POST', `/v1/executions/${encodeURIComponent(id)}/redrive`, {});
    }
    expect(redriven.status).toBe(200);
    const done = await waitForEnd(id, 600_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { n: 600, runs: 600 }, redriveCount: 1 });
    events = await history(id);
    expectCompleteHistory(events);
    // Nothing ran twice: 600 Task successes in all, across the stop, the redrive and the runs.
    expect(events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(600);
    expect(events.filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
  }, 900_000);
});
