import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isAlive } from './build';

/** How long a server gets to shut down after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 10_000;
/** How long to wait for a leftover server after SIGKILL. */
const LEFTOVER_KILL_WAIT_MS = 5_000;

/**
 * The watchdog: a detached `sh` that polls the parent every second and, once the parent is gone
 * (even killed with SIGKILL, which runs no exit hook), stops the server — SIGTERM, then SIGKILL
 * after the grace period. It exits by itself when the server does. `$1` = parent pid,
 * `$2` = server pid, `$3` = grace seconds.
 */
const WATCHDOG_SCRIPT = `
while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
kill -0 "$2" 2>/dev/null || exit 0
kill -TERM "$2" 2>/dev/null
i=0
while kill -0 "$2" 2>/dev/null && [ "$i" -lt "$3" ]; do sleep 1; i=$((i+1)); done
kill -KILL "$2" 2>/dev/null
exit 0
`;

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Resolves once the child has exited (or failed to spawn); never rejects. */
export function exitOf(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}

/** Starts the watchdog for `serverPid`; unref'd so it never keeps this process alive. */
export function startWatchdog(serverPid: number): ChildProcess {
  const watchdog = spawn(
    'sh',
    [
      '-c',
      WATCHDOG_SCRIPT,
      'stepflow-temporal-watchdog',
      String(process.pid),
      String(serverPid),
      String(STOP_GRACE_MS / 1000),
    ],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined); // best effort: a missing sh only loses the crash safety net
  watchdog.unref();
  return watchdog;
}

/** Sends SIGTERM, waits up to {@link STOP_GRACE_MS}, then SIGKILL; resolves when the child is gone. */
export async function terminate(child: ChildProcess, exited: Promise<ChildExit>): Promise<ChildExit> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = new AbortController();
  const graceful = await Promise.race([
    exited,
    sleep(STOP_GRACE_MS, undefined, { signal: timer.signal }).catch(() => undefined),
  ]);
  timer.abort();
  if (graceful) return graceful;
  child.kill('SIGKILL');
  return exited;
}

/** Whether `pid` runs a command line containing `marker` (Linux /proc; elsewhere we cannot tell, so no). */
async function commandLineContains(pid: number, marker: string): Promise<boolean> {
  try {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** What the pid file records: the server and the Stepflow process that owns it. */
export interface ServerPidFile {
  server: number;
  owner: number;
}

/** Records the running server and its owner, so a later start can recognise a leftover. */
export async function writePidFile(pidFile: string, serverPid: number): Promise<void> {
  const record: ServerPidFile = { server: serverPid, owner: process.pid };
  await fs.writeFile(pidFile, `${JSON.stringify(record)}\n`);
}

/** Thrown when another live Stepflow process already runs the server of this data dir. */
export class TemporalServerBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalServerBusyError';
  }
}

/**
 * Stops a server left running by an earlier run of the same data dir whose owner is gone (the pid
 * file names both, and the server's command line must name our config file), so its ports are
 * free again. A server whose owner still runs belongs to another Stepflow: that is an error, not
 * something to kill.
 */
export async function stopLeftoverServer(pidFile: string, configFile: string, log: Logger): Promise<void> {
  let record: ServerPidFile;
  try {
    record = JSON.parse(await fs.readFile(pidFile, 'utf8')) as ServerPidFile;
  } catch {
    await fs.rm(pidFile, { force: true });
    return;
  }
  const pid = record.server;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await commandLineContains(pid, configFile))) {
    if (record.owner !== process.pid && isAlive(record.owner)) {
      throw new TemporalServerBusyError(
        `another Stepflow process (pid ${record.owner}) already runs the local Temporal server of this data dir (pid ${pid}); ` +
          `stop it, or point this one at it with TEMPORAL_ADDRESS`,
      );
    }
    log.warn({ serverPid: pid }, 'stopping temporal server left over from an earlier run');
    process.kill(pid, 'SIGTERM');
    if (!(await waitForDeath(pid, STOP_GRACE_MS))) {
      process.kill(pid, 'SIGKILL');
      // Bounded: an exited server stays "alive" as a zombie until its new parent reaps it, and
      // some container inits never do; the port check that follows catches a real survivor.
      await waitForDeath(pid, LEFTOVER_KILL_WAIT_MS);
    }
  }
  await fs.rm(pidFile, { force: true });
}

async function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Whether nothing listens on 127.0.0.1:`port` (we can bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports in `ports` that something already listens on. */
export async function busyPorts(ports: number[]): Promise<number[]> {
  const free = await Promise.all(ports.map(isPortFree));
  return ports.filter((_, i) => !free[i]);
}
