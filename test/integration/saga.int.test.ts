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
import { startOwnStack } from './support/own-stack';
import { replaceWorkers } from './support/stack';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** A saga step Task: `saga-step` for `step`, compensated by `saga-undo` with the step's result id. */
function sagaStep(step: string, next: string | undefined, extra: { fail?: boolean; undoMs?: number } = {}) {
  return {
    Type: 'Task',
    Resource: fn('saga-step'),
    Parameters: { 'dir.$': '$.dir', step, ...(extra.fail ? { fail: true } : {}) },
    ResultPath: `$.${step}`,
    Compensate: {
      Resource: fn('saga-undo'),
      Parameters: {
        'dir.$': '$.input.dir',
        step,
        'id.$': '$.result.id',
        ...(extra.undoMs ? { ms: extra.undoMs } : {}),
      },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
    },
    ...(next ? { Next: next } : { End: true }),
  };
}

const THREE_STEPS = (undoMs?: number) => ({
  StartAt: 'one',
  States: {
    one: sagaStep('one', 'two', { undoMs }),
    two: sagaStep('two', 'three', { undoMs }),
    three: sagaStep('three', undefined, { fail: true }),
  },
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-saga-'));
}

function sagaLog(dir: string): string[] {
  return fs.readFileSync(path.join(dir, 'saga.log'), 'utf8').trim().split('\n');
}

describe('compensation (saga) on the real stack', () => {
  test('compensates steps two and one in that order when step three fails, keeping the original error', async () => {
    const dir = tempDir();
    const machine = uniqueName('saga');
    await createMachine(machine, THREE_STEPS());
    const id = await startExecution(machine, { dir });
    const done = await waitForEnd(id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'StepFailed' });
    expect(JSON.parse(done.cause)).toMatchObject({ errorType: 'StepFailed', errorMessage: 'step three failed' });
    expect(sagaLog(dir)).toEqual(['do one', 'do two', 'do three', 'undo two two-id', 'undo one one-id']);
    // Its steps are undone: a redrive would reuse results that no longer hold, so it is refused.
    const redrive = await call('POST', `/v1/executions/${encodeURIComponent(id)}/redrive`);
    expect([redrive.status, redrive.body.code]).toEqual([409, 'EXECUTION_NOT_REDRIVABLE']);
    const events = await history(id);
    expectCompleteHistory(events);
    const tail = events.slice(events.findIndex((e: any) => e.type === 'CompensationStarted'));
    expect(tail.map((e: any) => e.type)).toEqual([
      'CompensationStarted',
      'CompensationStepScheduled',
      'CompensationStepSucceeded',
      'CompensationStepScheduled',
      'CompensationStepSucceeded',
      'CompensationSucceeded',
      'ExecutionFailed',
    ]);
    expect(tail[1].compensationStepScheduledEventDetails).toEqual({
      name: 'two',
      resource: fn('saga-undo'),
      input: JSON.stringify({ dir, step: 'two', id: 'two-id' }),
    });
    expect(tail[2].compensationStepSucceededEventDetails).toEqual({
      name: 'two',
      resource: fn('saga-undo'),
      output: '{"undone":"two"}',
    });
    expect(tail[6].executionFailedEventDetails).toMatchObject({ error: 'StepFailed' });
  });

  test('compensates every Map iteration in reverse completion order when a state after the Map fails', async () => {
    const dir = tempDir();
    const machine = uniqueName('saga-map');
    await createMachine(machine, {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 1,
          ItemSelector: { 'dir.$': '$.dir', 'step.$': '$$.Map.Item.Value' },
          ItemProcessor: {
            StartAt: 'Book',
            States: {
              Book: {
                Type: 'Task',
                Resource: fn('saga-step'),
                Compensate: {
                  Resource: fn('saga-undo'),
                  Parameters: { 'dir.$': '$.input.dir', 'step.$': '$.input.step', 'id.$': '$.result.id' },
                },
                End: true,
              },
            },
          },
          ResultPath: '$.booked',
          Next: 'Bad',
        },
        Bad: { Type: 'Fail', Error: 'OrderRejected', Cause: 'after the map' },
      },
    });
    const id = await startExecution(machine, { dir, items: ['a', 'b', 'c'] });
    expect(await waitForEnd(id)).toMatchObject({ status: 'FAILED', error: 'OrderRejected', cause: 'after the map' });
    expect(sagaLog(dir)).toEqual(['do a', 'do b', 'do c', 'undo c c-id', 'undo b b-id', 'undo a a-id']);
    expectCompleteHistory(await history(id));
  });

  test('completes each compensation exactly once when the worker is SIGKILLed during compensation', async () => {
    // Kills the worker: on a stack of its own, never the run's shared one.
    const own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
    try {
      const dir = tempDir();
      const machine = uniqueName('saga-crash');
      await createMachine(machine, THREE_STEPS(3000));
      const id = await startExecution(machine, { dir });
      // The first compensation (step two) is running: its function has been called.
      const calls = path.join(dir, 'undo-calls.log');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(calls)) {
        if (Date.now() > deadline) throw new Error('compensation never started');
        await sleep(50);
      }
      await replaceWorkers(own.stack);
      const done = await waitForEnd(id, 120_000);
      expect(done).toMatchObject({ status: 'FAILED', error: 'StepFailed' });
      expect(sagaLog(dir)).toEqual(['do one', 'do two', 'do three', 'undo two two-id', 'undo one one-id']);
      const keys = fs.readFileSync(path.join(dir, 'undo-keys.log'), 'utf8').trim().split('\n');
      expect(keys).toHaveLength(2);
      expect(keys.every((key) => key.endsWith(':compensate'))).toBe(true);
      // Step two's compensation runs on the function host: the workflow worker's death does not touch it.
      const attempts = fs.readFileSync(calls, 'utf8').trim().split('\n');
      expect(attempts.filter((key) => key === keys[0])).toHaveLength(1);
      const events = await history(id);
      expectCompleteHistory(events);
      expect(events.filter((e: any) => e.type === 'CompensationStepSucceeded')).toHaveLength(2);
      expect(events.at(-1).type).toBe('ExecutionFailed');
    } finally {
      delete process.env.STEPFLOW_TEST_API_URL;
      await own.destroy();
    }
  });
});
