import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { type ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { killPid, replaceFunctionHosts, ROOT } from './support/stack';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const task = (name: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'Run',
  States: { Run: { Type: 'Task', Resource: fn(name), End: true, ...extra } },
});

/** True while the process exists. */
const alive = (pid: number) => killPid(pid, 0 as unknown as NodeJS.Signals);

async function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await sleep(50);
  }
}

/** Runs `name` once with `input` on a machine of its own and returns the final description. */
async function runOnce(
  name: string,
  input: unknown,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; done: any }> {
  const machine = uniqueName(name);
  await createMachine(machine, task(name, extra));
  const id = await startExecution(machine, input);
  return { id, done: await waitForEnd(id, 120_000) };
}

// This file kills function hosts, so it runs on a stack of its own (CPU limit 12 s, memory 256 MB).
describe('function host', () => {
  let own: OwnStack;
  beforeAll(async () => {
    own = await startOwnStack(5432, { FUNCTIONS_CPU_LIMIT_SECONDS: '12', FUNCTIONS_MEMORY_LIMIT_MB: '256' });
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
  });
  afterAll(async () => {
    delete process.env.STEPFLOW_TEST_API_URL;
    await own?.destroy();
  });

  test('fails the Task with Lambda.Unknown and serves the next execution when a function calls process.exit', async () => {
    const [host] = own.stack.functionHostPids;
    const { done } = await runOnce('exit', { code: 3 });
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Lambda.Unknown');
    expect(done.cause).toBe(
      JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 3' }),
    );
    expect(alive(host)).toBe(true);
    const next = await runOnce('add', { a: 20, b: 22 });
    expect(next.done.status).toBe('SUCCEEDED');
    expect(next.done.output).toEqual({ sum: 42 });
    expect(own.stack.functionHostPids).toEqual([host]);
    expect(alive(host)).toBe(true);
  });

  test('fails the Task with Lambda.Unknown Runtime.OutOfMemory when a function allocates 5 GB', async () => {
    const { done } = await runOnce('allocate', { gb: 5, kind: 'heap' });
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Lambda.Unknown');
    expect(JSON.parse(done.cause).errorType).toBe('Runtime.OutOfMemory');
    expect(alive(own.stack.functionHostPids[0])).toBe(true);
  });

  test('fails the Task with Sandbox.Timedout when a function busy-loops past the CPU-time limit', async () => {
    const { done } = await runOnce('busy', {});
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Sandbox.Timedout');
    expect(done.cause).toBe(
      JSON.stringify({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'Task timed out: the function used more than its CPU-time limit of 12 seconds',
      }),
    );
  });

  test('gives a cause without stack trace or deployment path when a function throws', async () => {
    const { done } = await runOnce('boom', {
      errorName: 'Payment.Declined',
      message: `card refused at ${own.stack.functionsDir}/boom.js`,
    });
    expect(done.error).toBe('Payment.Declined');
    expect(done.cause).toBe(JSON.stringify({ errorType: 'Payment.Declined', errorMessage: 'card refused at boom.js' }));
  });

  test('runs an unrelated execution with HeartbeatSeconds to success in exactly one attempt when a function busy-loops for 10 s beside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-busy-'));
    const busyMachine = uniqueName('busy');
    const calmMachine = uniqueName('calm');
    await createMachine(busyMachine, task('busy'));
    await createMachine(calmMachine, task('slow-counter', { HeartbeatSeconds: 2 }));
    const busy = await startExecution(busyMachine, { ms: 10_000 });
    const calm = await startExecution(calmMachine, { dir, ms: 4_000 });
    const calmDone = await waitForEnd(calm, 120_000);
    expect(calmDone.status).toBe('SUCCEEDED');
    expect(calmDone.output).toEqual({ slept: 4_000 });
    expect(fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    const events = await history(calm);
    expect(events.filter((event) => event.type === 'LambdaFunctionStarted')).toHaveLength(1);
    const busyDone = await waitForEnd(busy, 120_000);
    expect(busyDone.status).toBe('SUCCEEDED');
    expect(busyDone.output).toEqual({ busy: 10_000, spun: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('writes LambdaFunctionStarted while the function runs, before it has finished', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-started-'));
    const machine = uniqueName('started');
    await createMachine(machine, task('slow-counter'));
    const id = await startExecution(machine, { dir, ms: 3_000 });
    await waitForFile(path.join(dir, 'calls.log'));
    const running = await history(id);
    expect(running.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
    ]);
    expect(fs.existsSync(path.join(dir, 'effects.log'))).toBe(false);
    expect((await waitForEnd(id)).status).toBe('SUCCEEDED');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('takes invocations beyond its processes and holds them until one is free (FUNCTIONS_QUEUE_DEPTH)', async () => {
    // 8 branches on a host of 4 processes (queue depth 16, the default): Temporal hands all 8 to
    // the host at once, so a freed process finds its next invocation here instead of waiting for
    // a task to travel from Temporal. With a depth of 0 at most 4 would be started.
    const branches = Array.from({ length: 8 }, (_, i) => ({
      StartAt: `Sleep${i}`,
      States: { [`Sleep${i}`]: { Type: 'Task', Resource: fn('sleep'), End: true } },
    }));
    const machine = uniqueName('queued');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: { Fan: { Type: 'Parallel', Branches: branches, End: true } },
    });
    const client = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
    try {
      const id = await startExecution(machine, { ms: 3_000 });
      const handle = client.workflow.getHandle(id);
      const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
      let most = 0;
      const deadline = Date.now() + 30_000;
      while (most < 8 && Date.now() < deadline) {
        const { raw } = await handle.describe();
        most = Math.max(most, (raw.pendingActivities ?? []).filter((a) => a.state === started).length);
        await sleep(100);
      }
      expect(most).toBe(8);
      const done = await waitForEnd(id);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toEqual(Array.from({ length: 8 }, () => ({ slept: 3_000 })));
      // Every branch's function ran once, after its `…Started` event.
      const events = await history(id);
      expect(events.filter((event) => event.type === 'LambdaFunctionStarted')).toHaveLength(8);
      expect(events.filter((event) => event.type === 'LambdaFunctionSucceeded')).toHaveLength(8);
      expectCompleteHistory(events);
    } finally {
      await client.connection.close();
    }
  });

  test('completes with one side effect and shows the redelivered attempt in the history when the function host is SIGKILLed mid-function', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-host-kill-'));
    const machine = uniqueName('host-kill');
    await createMachine(machine, task('slow-counter'));
    const id = await startExecution(machine, { dir, ms: 3_000 });
    await waitForFile(path.join(dir, 'calls.log'));
    await replaceFunctionHosts(own.stack, { FUNCTIONS_CPU_LIMIT_SECONDS: '12', FUNCTIONS_MEMORY_LIMIT_MB: '256' });

    const done = await waitForEnd(id, 120_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ slept: 3_000 });
    const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(2);
    expect(new Set(calls).size).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'effects.log'), 'utf8').trim().split('\n')).toEqual([calls[0]]);

    const events = await history(id);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[4].previousEventId).toBe(4);
    expect(events[4].lambdaFunctionStartedEventDetails).toEqual({
      attempt: 2,
      cause: 'The function host was lost during delivery 1; the function runs again with the same idempotency key.',
    });
    expectCompleteHistory(events);
    fs.rmSync(dir, { recursive: true, force: true });

    // The redelivery path replays through the current bundle; its history is kept for the replay suite.
    const connection = await Connection.connect({ address: own.stack.temporalAddress });
    try {
      const recorded = await new Client({ connection, namespace: own.stack.namespace }).workflow
        .getHandle(id)
        .fetchHistory();
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, recorded, id),
      ).resolves.toBeUndefined();
      const file = path.join(ROOT, 'test', 'replay', 'histories', 'function-host-redelivery.history.bin');
      if (process.env.RECORD_HISTORIES && !fs.existsSync(file))
        fs.writeFileSync(file, temporal.api.history.v1.History.encode(recorded).finish());
    } finally {
      await connection.close();
    }
  });

  test('runs an invocation scheduled on the workflow queue (an execution from before the host) on the function host', async () => {
    const client = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
    const native = await NativeConnection.connect({ address: own.stack.temporalAddress });
    const taskQueue = uniqueName('legacy');
    const worker = await Worker.create({
      connection: native,
      namespace: own.stack.namespace,
      taskQueue,
      workflowsPath: require.resolve('./support/legacy-invoke.workflow'),
    });
    const invocation = (functionName: string, payload: unknown) => ({
      executionId: 'legacy:run',
      stateName: 'Old',
      functionName,
      payload,
      idempotencyKey: 'legacy:run#3',
      pendingEvents: [],
    });
    const run = (functionName: string, payload: unknown) =>
      client.workflow.execute('legacyInvoke', {
        taskQueue,
        workflowId: uniqueName('legacy-run'),
        args: [own.stack.taskQueue, invocation(functionName, payload)],
      });
    try {
      await worker.runUntil(async () => {
        expect((await run('add', { a: 2, b: 3 })).result).toEqual({ sum: 5 });
        const failed = await run('boom', { errorName: 'Old.Error', message: 'no' }).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(failed).toBeInstanceOf(WorkflowFailedError);
        const cause = ((failed as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect(cause.type).toBe('Old.Error');
        expect(cause.message).toBe(JSON.stringify({ errorType: 'Old.Error', errorMessage: 'no' }));
      });
    } finally {
      await native.close();
      await client.connection.close();
    }
  });

  test('answers TestState with the error and keeps /healthz answering when the function calls process.exit', async () => {
    const apiPid = own.stack.apiPid;
    const exit = await call('POST', '/v1/test-state', {
      definition: { Type: 'Task', Resource: fn('exit'), End: true },
      input: { code: 7 },
    });
    expect(exit.status).toBe(200);
    expect(exit.body).toEqual({
      status: 'FAILED',
      error: 'Lambda.Unknown',
      cause: JSON.stringify({
        errorType: 'Runtime.ExitError',
        errorMessage: 'Runtime exited with error: exit status 7',
      }),
    });
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect(alive(apiPid)).toBe(true);
    const add = await call('POST', '/v1/test-state', {
      definition: { Type: 'Task', Resource: fn('add'), End: true },
      input: { a: 1, b: 2 },
    });
    expect(add.body).toEqual({ status: 'SUCCEEDED', output: { sum: 3 } });
  });

  test('keeps /healthz answering while a TestState function busy-loops', async () => {
    const busy = call('POST', '/v1/test-state', {
      definition: { Type: 'Task', Resource: fn('busy'), End: true },
      input: { ms: 3_000 },
    });
    await sleep(1_000);
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await busy).body).toEqual({ status: 'SUCCEEDED', output: { busy: 3_000, spun: true } });
  });
});
