import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  call,
  createMachine,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
  expectCompleteHistory,
} from './support/client';
import { startOwnStack, startPgCluster, useOwnStack } from './support/own-stack';
import { killPid, replaceWorkers, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Polls the history until an event of `type` appears. */
async function waitForEvent(id: string, type: string, count = 1): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await history(id)).filter((e: any) => e.type === type).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${count}× ${type} in ${id}`);
    await sleep(100);
  }
}

const MAP_OF_100 = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 10,
      ItemSelector: { 'item.$': '$$.Map.Item.Value', 'dir.$': '$.dir', ms: 200 },
      ItemProcessor: { StartAt: 'Record', States: { Record: { Type: 'Task', Resource: fn('record'), End: true } } },
      End: true,
    },
  },
};

describe('faults on the real stack', () => {
  // These kill workers and the API: on a stack of this file's own, never the run's shared one.
  const shared = useOwnStack();

  test('finishes 5 pending Waits when the worker is SIGKILLed during their timers', async () => {
    const machine = uniqueName('wait-crash');
    await createMachine(machine, {
      StartAt: 'Pause',
      States: { Pause: { Type: 'Wait', Seconds: 3, Next: 'Done' }, Done: { Type: 'Pass', Result: 'woke', End: true } },
    });
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => startExecution(machine, { n })));
    for (const id of ids) await waitForEvent(id, 'WaitStateEntered');
    await replaceWorkers(shared.current.stack);
    for (const id of ids) {
      const done = await waitForEnd(id);
      expect(done).toMatchObject({ status: 'SUCCEEDED', output: 'woke' });
      const events = await history(id);
      expectCompleteHistory(events);
      expect(events.map((e: any) => e.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
    }
  });

  test('finishes a Map of 100 items with each side effect once when the worker is SIGKILLed mid-map', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-map-crash-'));
    const items = Array.from({ length: 100 }, (_, i) => i);
    const machine = uniqueName('map-crash');
    await createMachine(machine, MAP_OF_100);
    const id = await startExecution(machine, { dir, items });
    await waitForEvent(id, 'MapIterationSucceeded', 20);
    await replaceWorkers(shared.current.stack);
    const done = await waitForEnd(id, 180_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: items.map((i) => i * 2) });
    const recorded = fs.readdirSync(dir).map((file) => Number(fs.readFileSync(path.join(dir, file), 'utf8')));
    expect(recorded.sort((a, b) => a - b)).toEqual(items);
    const events = await history(id);
    expectCompleteHistory(events);
    expect(events.filter((e: any) => e.type === 'MapIterationSucceeded')).toHaveLength(100);
  });

  test('keeps serving and running executions when the API process is killed and restarted', async () => {
    const machine = uniqueName('api-crash');
    await createMachine(machine, { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 2, End: true } } });
    const id = await startExecution(machine, { x: 1 });
    const stack = shared.current.stack;
    killPid(stack.apiPid, 'SIGKILL');
    await waitForExit(stack.apiPid);
    const port = new URL(stack.apiUrl).port;
    stack.apiPid = spawnStepflow(stack, 'api', { PORT: port }).pid as number;
    await waitForHttp(`${stack.apiUrl}/healthz`);
    expect(await waitForEnd(id)).toMatchObject({ status: 'SUCCEEDED', output: { x: 1 } });
  });

  test('finishes 5 executions started before a Temporal server restart', async () => {
    const own = await startOwnStack();
    try {
      process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
      const machine = uniqueName('temporal-restart');
      await createMachine(machine, {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 2, Next: 'Add' },
          Add: { Type: 'Task', Resource: fn('add'), End: true },
        },
      });
      const ids = await Promise.all([0, 1, 2, 3, 4].map((a) => startExecution(machine, { a, b: 40 })));
      for (const id of ids) await waitForEvent(id, 'WaitStateEntered');
      await own.restartTemporal();
      for (const [a, id] of ids.entries()) {
        const done = await waitForEnd(id, 120_000);
        expect(done).toMatchObject({ status: 'SUCCEEDED', output: { sum: a + 40 } });
        expectCompleteHistory(await history(id));
      }
    } finally {
      process.env.STEPFLOW_TEST_API_URL = shared.current.stack.apiUrl;
      await own.destroy();
    }
  });

  test('answers 503 while Postgres is down and loses none of 3 executions when it comes back', async () => {
    const pg = await startPgCluster();
    const own = await startOwnStack(pg.port);
    try {
      process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
      const machine = uniqueName('pg-outage');
      await createMachine(machine, {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 2, Next: 'Add' },
          Add: { Type: 'Task', Resource: fn('add'), End: true },
        },
      });
      const ids = await Promise.all([1, 2, 3].map((a) => startExecution(machine, { a, b: 2 })));
      for (const one of ids) await waitForEvent(one, 'WaitStateEntered');
      const id = ids[0];
      pg.stop();
      const during = await call('GET', `/v1/executions/${encodeURIComponent(id)}`);
      expect(during.status).toBe(503);
      expect(during.body.code).toBe('SERVICE_UNAVAILABLE');
      await sleep(3000);
      pg.start();
      for (const [i, other] of ids.entries()) {
        expect(await waitForEnd(other, 180_000)).toMatchObject({ status: 'SUCCEEDED', output: { sum: i + 3 } });
        expectCompleteHistory(await history(other));
      }
      const events = await history(id);
      expect(events.map((e: any) => e.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
    } finally {
      process.env.STEPFLOW_TEST_API_URL = shared.current.stack.apiUrl;
      await own.destroy();
      pg.destroy();
    }
  });
});
