import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../engine/logger';
import { FunctionFailure, FunctionPool, InvocationCancelled, ProcessStartFailed } from '../../engine/functions/pool';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'functions');
const RUNNER = path.join(__dirname, '..', '..', 'dist', 'engine', 'functions', 'runner.js');
const context = { idempotencyKey: 'key-1', executionId: 'machine:run', stateName: 'Task' };

function newPool(limits: Partial<{ size: number; memoryMb: number; cpuMs: number }> = {}): FunctionPool {
  return new FunctionPool({
    functionsDir: FIXTURES,
    limits: { size: 2, memoryMb: 192, cpuMs: 60_000, ...limits },
    log: createLogger('silent'),
    runnerPath: RUNNER,
  });
}

/** The failure an invocation rejects with (fails the test if it resolves). */
async function failureOf(run: Promise<unknown>): Promise<FunctionFailure> {
  try {
    await run;
  } catch (err) {
    if (err instanceof FunctionFailure) return err;
    throw err;
  }
  throw new Error('expected the invocation to fail');
}

describe('FunctionPool', () => {
  let pool: FunctionPool;
  afterEach(async () => {
    await pool.close();
  });

  test('returns the result and reuses the same process for the same function when it succeeds', async () => {
    pool = newPool();
    expect(
      await pool.invoke({ functionName: 'add', payload: { a: 2, b: 3 }, context: { ...context, functionName: 'add' } }),
    ).toEqual({ sum: 5 });
    const [pid] = pool.pids;
    expect(
      await pool.invoke({ functionName: 'add', payload: { a: 1, b: 1 }, context: { ...context, functionName: 'add' } }),
    ).toEqual({ sum: 2 });
    expect(pool.pids).toEqual([pid]);
  });

  test('fails with the function error name and a cause without stack or path when the function throws', async () => {
    pool = newPool();
    const failure = await failureOf(
      pool.invoke({
        functionName: 'boom',
        payload: { errorName: 'Custom.Error', message: `bad ${FIXTURES}/x.js` },
        context: { ...context, functionName: 'boom' },
      }),
    );
    expect(failure.name).toBe('Custom.Error');
    expect(failure.causeText).toBe(JSON.stringify({ errorType: 'Custom.Error', errorMessage: 'bad x.js' }));
  });

  test('fails with Lambda.Unknown and replaces the process when the function calls process.exit', async () => {
    pool = newPool({ size: 1 });
    const failure = await failureOf(
      pool.invoke({ functionName: 'exit', payload: { code: 3 }, context: { ...context, functionName: 'exit' } }),
    );
    expect(failure.name).toBe('Lambda.Unknown');
    expect(failure.causeText).toBe(
      JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 3' }),
    );
    expect(
      await pool.invoke({ functionName: 'add', payload: { a: 1, b: 2 }, context: { ...context, functionName: 'add' } }),
    ).toEqual({ sum: 3 });
  });

  test('fails with Lambda.Unknown Runtime.OutOfMemory when the function fills the V8 heap past the limit', async () => {
    pool = newPool({ size: 1, memoryMb: 128 });
    const failure = await failureOf(
      pool.invoke({
        functionName: 'allocate',
        payload: { gb: 5, kind: 'heap' },
        context: { ...context, functionName: 'allocate' },
      }),
    );
    expect(failure.name).toBe('Lambda.Unknown');
    expect(failure.errorType).toBe('Runtime.OutOfMemory');
  });

  test('fails with Lambda.Unknown Runtime.OutOfMemory when the function touches memory outside the heap past the limit', async () => {
    pool = newPool({ size: 1, memoryMb: 128 });
    const failure = await failureOf(
      pool.invoke({
        functionName: 'allocate',
        payload: { gb: 5, kind: 'buffer' },
        context: { ...context, functionName: 'allocate' },
      }),
    );
    expect(failure.name).toBe('Lambda.Unknown');
    expect(failure.causeText).toBe(
      JSON.stringify({
        errorType: 'Runtime.OutOfMemory',
        errorMessage: 'Runtime exited: the function used more than its memory limit of 128 MB',
      }),
    );
  });

  test('fails with Sandbox.Timedout when the function busy-loops past its CPU-time limit', async () => {
    pool = newPool({ size: 1, cpuMs: 300 });
    const failure = await failureOf(
      pool.invoke({ functionName: 'busy', payload: {}, context: { ...context, functionName: 'busy' } }),
    );
    expect(failure.name).toBe('Sandbox.Timedout');
    expect(failure.causeText).toBe(
      JSON.stringify({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'Task timed out: the function used more than its CPU-time limit of 0.3 seconds',
      }),
    );
  });

  test('fails with the exception name and replaces the process when a callback throws outside the handler', async () => {
    pool = newPool({ size: 1 });
    const failure = await failureOf(
      pool.invoke({ functionName: 'throw-later', payload: {}, context: { ...context, functionName: 'throw-later' } }),
    );
    expect(failure.name).toBe('TypeError');
    expect(failure.causeText).toBe(JSON.stringify({ errorType: 'TypeError', errorMessage: 'callback exploded' }));
    expect(
      await pool.invoke({ functionName: 'add', payload: { a: 0, b: 0 }, context: { ...context, functionName: 'add' } }),
    ).toEqual({ sum: 0 });
  });

  test('aborts context.signal and kills the process when the invocation is cancelled', async () => {
    pool = newPool({ size: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-pool-'));
    // The module loaded first, so the second invocation is running (listening to its signal) when cancelled.
    await pool.invoke({ functionName: 'sleep', payload: { ms: 0 }, context: { ...context, functionName: 'sleep' } });
    const controller = new AbortController();
    const run = pool.invoke({
      functionName: 'sleep',
      payload: { ms: 60_000, dir },
      context: { ...context, functionName: 'sleep' },
      signal: controller.signal,
      beforeStart: async () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [pid] = pool.pids;
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InvocationCancelled);
    for (let i = 0; i < 100 && pool.pids.includes(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.pids).not.toContain(pid);
    expect(fs.readFileSync(path.join(dir, 'cancelled'), 'utf8')).toBe('yes');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('never starts the function and fails with InvocationCancelled when cancelled while its start is being written', async () => {
    pool = newPool({ size: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-pool-'));
    const controller = new AbortController();
    const run = pool.invoke({
      functionName: 'record',
      payload: { dir, item: 1 },
      context: { ...context, functionName: 'record' },
      signal: controller.signal,
      // As when Temporal's start-to-close timeout fires while the host writes the Task's `…Started`.
      beforeStart: async () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(InvocationCancelled);
    // The process is free again and the function did not run.
    expect(
      await pool.invoke({ functionName: 'add', payload: { a: 1, b: 2 }, context: { ...context, functionName: 'add' } }),
    ).toEqual({ sum: 3 });
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('fails a waiting invocation with InvocationCancelled when it is cancelled before a process is free', async () => {
    pool = newPool({ size: 1 });
    const busy = new AbortController();
    const first = pool.invoke({
      functionName: 'sleep',
      payload: { ms: 60_000 },
      context: { ...context, functionName: 'sleep' },
      signal: busy.signal,
    });
    const firstOutcome = first.then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    const waiting = new AbortController();
    const second = pool.invoke({
      functionName: 'sleep',
      payload: { ms: 0 },
      context: { ...context, functionName: 'sleep' },
      signal: waiting.signal,
    });
    waiting.abort();
    await expect(second).rejects.toBeInstanceOf(InvocationCancelled);
    // The first invocation was still running: the second did not wait for its process.
    expect(await Promise.race([firstOutcome, Promise.resolve('running')])).toBe('running');
    busy.abort();
    expect(await firstOutcome).toBe('InvocationCancelled');
  });

  test('fails with ProcessStartFailed before the function starts, not Lambda.Unknown, when the runner cannot load', async () => {
    // As when the deployment's files are being replaced while the host forks a process.
    pool = new FunctionPool({
      functionsDir: FIXTURES,
      limits: { size: 1, memoryMb: 192, cpuMs: 60_000 },
      log: createLogger('silent'),
      runnerPath: path.join(os.tmpdir(), 'stepflow-no-such-runner.js'),
    });
    let started = false;
    const run = pool.invoke({
      functionName: 'echo',
      payload: { x: 1 },
      context: { ...context, functionName: 'echo' },
      beforeStart: async () => {
        started = true;
      },
    });
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProcessStartFailed);
    expect((err as ProcessStartFailed).death).toEqual({ kind: 'exit', code: 1, signal: null });
    expect(started).toBe(false);
  });

  test('never gives a function process to another function when the pool is full', async () => {
    pool = newPool({ size: 1 });
    await pool.invoke({ functionName: 'add', payload: { a: 1, b: 1 }, context: { ...context, functionName: 'add' } });
    const [first] = pool.pids;
    expect(
      await pool.invoke({ functionName: 'echo', payload: { x: 1 }, context: { ...context, functionName: 'echo' } }),
    ).toEqual({ x: 1 });
    expect(pool.pids).toHaveLength(1);
    expect(pool.pids).not.toContain(first);
  });

  test('hides the host database and secrets from a function when it reads its environment', async () => {
    process.env.STEPFLOW_TOKEN_SECRET_FOR_TEST = 'secret';
    pool = newPool({ size: 1 });
    try {
      const env = (await pool.invoke({
        functionName: 'env',
        payload: {},
        context: { ...context, functionName: 'env' },
      })) as Record<string, string>;
      expect(Object.keys(env).filter((key) => /^(STEPFLOW_|DATABASE_URL|TEMPORAL_)/.test(key))).toEqual([]);
    } finally {
      delete process.env.STEPFLOW_TOKEN_SECRET_FOR_TEST;
    }
  });
});
