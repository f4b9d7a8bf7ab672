import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';
import { useOwnStack } from './support/own-stack';
import { killPid, spawnStepflow, waitForExit } from './support/stack';

const MACHINE = {
  StartAt: 'Before',
  States: {
    Before: { Type: 'Pass', Next: 'Slow' },
    Slow: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:slow-counter',
      ResultPath: '$.slow',
      Next: 'After',
    },
    After: { Type: 'Pass', Result: 'done', ResultPath: '$.after', End: true },
  },
};

async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await sleep(50);
  }
}

describe('worker crash', () => {
  // Kills workers: on a stack of its own, never the run's shared one.
  const own = useOwnStack();

  test('completes with the right output, one invocation and a complete history when the worker is SIGKILLed mid-task', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-crash-'));
    const machine = uniqueName('crash');
    await createMachine(machine, MACHINE);
    const id = await startExecution(machine, { dir, ms: 3000 });

    await waitForFile(path.join(dir, 'calls.log'));
    const stack = own.current.stack;
    for (const pid of stack.workerPids) killPid(pid, 'SIGKILL');
    await Promise.all(stack.workerPids.map((pid) => waitForExit(pid)));
    const replacement = spawnStepflow(stack, 'worker');
    stack.workerPids = [replacement.pid as number];

    const done = await waitForEnd(id, 120_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ dir, ms: 3000, slow: { slept: 3000 }, after: 'done' });

    const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
    const effects = fs.readFileSync(path.join(dir, 'effects.log'), 'utf8').trim().split('\n');
    // The function runs on the function host: the workflow worker's death does not touch it.
    expect(calls).toHaveLength(1);
    expect(effects).toEqual([calls[0]]);

    const events = await history(id);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });
});
