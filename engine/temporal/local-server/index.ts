import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { ensureTemporalBinaries, type TemporalBinaries } from './build';
import { allPorts, DYNAMIC_CONFIG, PASSWORD_ENV, renderServerConfig, temporalPorts } from './config';
import { readLogTail } from './log-tail';
import { ensureNamespace } from './namespace';
import {
  busyPorts,
  exitOf,
  startWatchdog,
  stopLeftoverServer,
  terminate,
  writePidFile,
  type ChildExit,
} from './process';
import { setupTemporalDatabases, type TemporalDatabases, type TemporalPg } from './schema';

export { ensureTemporalBinaries } from './build';
export { dropTemporalDatabases, temporalPostgresFromUrl, type TemporalPg } from './schema';

/** How long the frontend may take to answer after the process starts. */
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 500;

/** A running managed Temporal server. */
export interface LocalTemporal {
  /** `host:port` of the frontend gRPC API. */
  address: string;
  pid: number;
  /** SIGTERM, up to 10 s grace, then SIGKILL; idempotent. */
  stop(): Promise<void>;
}

export interface StartLocalTemporalOptions {
  /** The server's config, dynamic config, pid file and `server.log` go to `<dataDir>/temporal/`. */
  dataDir: string;
  /** Frontend gRPC port; the others derive from it (see {@link temporalPorts}). */
  portBase: number;
  pg: TemporalPg;
  databases: TemporalDatabases;
  namespace: string;
  log: Logger;
  /** Where the binaries are built on first use (`cacheDir(config)`); ignored when `binaries` is given. */
  cacheDir?: string;
  binaries?: TemporalBinaries;
}

/** Thrown when the local server cannot start; the message ends with the tail of `server.log`. */
export class TemporalServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalServerError';
  }
}

/**
 * Starts the managed local Temporal server on Postgres: builds the binaries if needed, sets up
 * the databases, writes the config under `<dataDir>/temporal/`, runs `server --config-file <file>
 * --allow-no-auth start` with its output in `server.log`, waits for the frontend to answer
 * `GetSystemInfo`, and registers `namespace` until it is usable.
 *
 * Lifetime: the server runs in its own process group, so a terminal's Ctrl-C reaches only
 * Stepflow, which stops it last (after the API and worker drained) with `stop()`. If this process
 * dies without stopping it, an exit hook sends SIGTERM, and a detached watchdog that polls this
 * process's pid stops it even after a SIGKILL.
 */
export async function startLocalTemporal(opts: StartLocalTemporalOptions): Promise<LocalTemporal> {
  const log = opts.log;
  const binaries = opts.binaries ?? (await ensureTemporalBinaries({ cacheDir: requireCacheDir(opts.cacheDir), log }));
  await setupTemporalDatabases({ sqlTool: binaries.sqlTool, pg: opts.pg, databases: opts.databases, log });

  const dir = path.resolve(opts.dataDir, 'temporal');
  const files = {
    config: path.join(dir, 'config.yaml'),
    dynamicConfig: path.join(dir, 'dynamicconfig.yaml'),
    pid: path.join(dir, 'server.pid'),
    log: path.join(dir, 'server.log'),
  };
  await fs.mkdir(dir, { recursive: true });
  await stopLeftoverServer(files.pid, files.config, log);

  const ports = temporalPorts(opts.portBase);
  const busy = await busyPorts(allPorts(ports));
  if (busy.length > 0) {
    throw new TemporalServerError(
      `cannot start the local Temporal server: ${busy.length > 1 ? 'ports' : 'port'} ${busy.join(', ')} on 127.0.0.1 ${busy.length > 1 ? 'are' : 'is'} in use; ` +
        `set TEMPORAL_PORT_BASE to another base, or TEMPORAL_ADDRESS to use a running server`,
    );
  }
  await fs.writeFile(files.dynamicConfig, DYNAMIC_CONFIG);
  await fs.writeFile(
    files.config,
    renderServerConfig({ ports, pg: opts.pg, databases: opts.databases, dynamicConfigFile: files.dynamicConfig }),
    { mode: 0o600 },
  );
  await fs.rename(files.log, `${files.log}.1`).catch(() => undefined); // keep the previous run's log

  const started = Date.now();
  const child = await spawnServer(binaries.server, files.config, files.log, opts.pg.password);
  const exited = exitOf(child);
  const pid = child.pid;
  if (pid === undefined) {
    const exit = await exited;
    throw new TemporalServerError(
      `cannot run the Temporal server ${binaries.server}: ${exit.error?.message ?? 'no pid'}`,
    );
  }
  await writePidFile(files.pid, pid);
  const watchdog = startWatchdog(pid);
  // A normal exit of this process (including an uncaught exception) stops the server too.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const exit = await terminate(child, exited);
      process.removeListener('exit', onExit);
      watchdog.kill('SIGTERM');
      await fs.rm(files.pid, { force: true });
      log.info({ serverPid: pid, code: exit.code, signal: exit.signal }, 'temporal server stopped');
    })());

  const address = `127.0.0.1:${ports.frontend}`;
  log.info({ serverPid: pid, address, serverLog: files.log }, 'temporal server starting');
  try {
    const connection = await waitForFrontend(address, exited, files.log);
    try {
      log.info({ address, ms: Date.now() - started }, 'temporal server ready');
      await ensureNamespace(connection, opts.namespace, log);
      log.info({ address, namespace: opts.namespace, ms: Date.now() - started }, 'temporal namespace ready');
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, pid, stop };
}

function requireCacheDir(cacheDir: string | undefined): string {
  if (!cacheDir) throw new TypeError('startLocalTemporal needs cacheDir (where to build Temporal) or binaries');
  return cacheDir;
}

async function spawnServer(
  server: string,
  configFile: string,
  logFile: string,
  password: string | undefined,
): Promise<ChildProcess> {
  const out = await fs.open(logFile, 'w');
  try {
    return spawn(server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
      cwd: path.dirname(configFile),
      env: { ...process.env, [PASSWORD_ENV]: password ?? '' },
      stdio: ['ignore', out.fd, out.fd],
      detached: true,
    });
  } finally {
    // The child holds its own copy of the descriptor.
    await out.close();
  }
}

/** Polls `GetSystemInfo` until the frontend answers; fails fast (with the log's tail) if the server exits. */
async function waitForFrontend(address: string, exited: Promise<ChildExit>, logFile: string): Promise<Connection> {
  let exit: ChildExit | undefined;
  void exited.then((value) => (exit = value));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exit) {
      const how = exit.error ? exit.error.message : `exit ${exit.signal ?? exit.code}`;
      throw new TemporalServerError(
        `the local Temporal server stopped while starting (${how}); see ${logFile}:\n${await readLogTail(logFile)}`,
      );
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      lastError = err;
      await connection?.close().catch(() => undefined);
    }
    await sleep(READY_POLL_MS);
  }
  throw new TemporalServerError(
    `the local Temporal server did not answer on ${address} within ${READY_TIMEOUT_MS / 1000} s ` +
      `(${(lastError as Error | undefined)?.message ?? 'no attempt'}); see ${logFile}:\n${await readLogTail(logFile)}`,
  );
}
