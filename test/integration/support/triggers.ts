import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killPid, ROOT, stackEnv, waitForExit, type TestStack } from './stack';

/** Starts a `stepflow triggers` process of the test's own (never shared with other test files). */
export function spawnTriggers(stack: TestStack): ChildProcess {
  const logFile = path.join(stack.dataDir, `triggers-${Date.now()}-${Math.floor(Math.random() * 1e6)}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), 'triggers'], {
    env: stackEnv(stack, { STEPFLOW_TRIGGERS_RELOAD_SECONDS: '0.5' }),
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  child.unref();
  return child;
}

/** SIGKILLs a triggers process and waits until it is gone. */
export async function killTriggers(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.pid === undefined) return;
  killPid(child.pid, signal);
  await waitForExit(child.pid);
}

/** Polls `probe` until `done` holds for its value; returns that value. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await sleep(250);
  }
}
