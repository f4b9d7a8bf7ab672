import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the global setup started, shared with the tests through a JSON file. */
export interface TestStack {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  functionsDir: string;
  /** Pids of every worker process started for this run (tests may add more). */
  workerPids: number[];
  /** Pids of the function hosts (`stepflow functions`) of this run. */
  functionHostPids: number[];
  apiPid: number;
  dataDir: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const STATE_FILE_ENV = 'STEPFLOW_TEST_STACK';

/** The stack of this test run (written by the global setup). */
export function readStack(): TestStack {
  const file = process.env[STATE_FILE_ENV];
  if (!file) throw new Error(`${STATE_FILE_ENV} is not set: run integration tests through jest's integration project`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestStack;
}

/** Records the stack's state for tests and teardown. */
export function writeStack(stack: TestStack): void {
  fs.writeFileSync(process.env[STATE_FILE_ENV] as string, JSON.stringify(stack, null, 2));
}

/** Environment for a `stepflow api|worker|functions` process of this run. */
export function stackEnv(stack: TestStack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    FUNCTIONS_DIR: stack.functionsDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extra,
  };
}

/** Starts a `stepflow <role>` process from the built code, its output in `<dataDir>/<role>-<n>.log`. */
export function spawnStepflow(
  stack: TestStack,
  role: 'api' | 'worker' | 'functions',
  extra: Record<string, string> = {},
): ChildProcess {
  const logFile = path.join(stack.dataDir, `${role}-${Date.now()}-${Math.floor(Math.random() * 1e6)}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), role], {
    env: stackEnv(stack, extra),
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  child.unref();
  return child;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers 200. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Kills a process if alive; true when it was. */
export function killPid(pid: number, signal: NodeJS.Signals = 'SIGTERM'): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the process is gone. */
export async function waitForExit(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!killPid(pid, 0 as unknown as NodeJS.Signals)) return;
    await sleep(100);
  }
  killPid(pid, 'SIGKILL');
}

/** SIGKILLs every worker of the stack and starts one new worker (records its pid). */
export async function replaceWorkers(stack: TestStack): Promise<void> {
  for (const pid of stack.workerPids) killPid(pid, 'SIGKILL');
  await Promise.all(stack.workerPids.map((pid) => waitForExit(pid)));
  stack.workerPids = [spawnStepflow(stack, 'worker').pid as number];
}

/** SIGKILLs every function host of the stack and starts one new host (records its pid). */
export async function replaceFunctionHosts(stack: TestStack, extra: Record<string, string> = {}): Promise<void> {
  // The host's process group: its function processes die with it, as under `stepflow up`.
  for (const pid of stack.functionHostPids) killPid(-pid, 'SIGKILL');
  await Promise.all(stack.functionHostPids.map((pid) => waitForExit(pid)));
  stack.functionHostPids = [spawnStepflow(stack, 'functions', extra).pid as number];
}

export { ROOT, os };
