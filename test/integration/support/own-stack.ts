import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, loadConfig } from '../../../engine/config';
import { createPool, dropDatabase, ensureDatabase } from '../../../engine/db/pool';
import { migrate } from '../../../engine/db/migrate';
import { createLogger } from '../../../engine/logger';
import { allPorts, temporalPorts } from '../../../engine/temporal/local-server/config';
import { busyPorts } from '../../../engine/temporal/local-server/process';
import { dropTemporalDatabases, startLocalTemporal, type LocalTemporal } from '../../../engine/temporal/local-server';
import { freePort, killPid, spawnStepflow, waitForExit, waitForHttp, type TestStack } from './stack';

const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stepflow-test');

/** A port base whose whole Temporal range is free (membership ports are smallint: < 32768). */
async function portBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
}

/** A Postgres cluster of the test's own (initdb in a temp dir), to stop and start at will. */
export interface PgCluster {
  port: number;
  stop(): void;
  start(): void;
  destroy(): void;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = fs.readdirSync(root).sort().pop() as string;
  return path.join(root, version, 'bin', name);
}

/** Runs a Postgres tool as the `postgres` user (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const cmd =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgBin(tool), ...args]] : [pgBin(tool), args];
  execFileSync(cmd[0] as string, cmd[1] as string[], { stdio: 'ignore' });
}

/** initdb + start on a free port, trust auth, listening on 127.0.0.1 only. */
export async function startPgCluster(): Promise<PgCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  const start = (): void =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`,
      'start',
    ]);
  const stop = (): void => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    port,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A whole Stepflow stack of the test's own: Temporal server, database, API, worker and function host. */
export interface OwnStack {
  stack: TestStack;
  temporal: LocalTemporal;
  restartTemporal(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Starts an isolated stack on the Postgres at `pgPort` (default: the machine's); `functionHostEnv`
 * adds settings of its function host (e.g. limits).
 */
export async function startOwnStack(pgPort = 5432, functionHostEnv: Record<string, string> = {}): Promise<OwnStack> {
  const config = loadConfig(process.env);
  const runId = `stepflow_own_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-own-'));
  const pg = { host: '127.0.0.1', port: pgPort, user: 'postgres' };
  const databases = { main: `${runId}_temporal`, visibility: `${runId}_visibility` };
  const base = await portBase();
  const startTemporal = () =>
    startLocalTemporal({
      dataDir,
      portBase: base,
      pg,
      databases,
      namespace: 'default',
      cacheDir: cacheDir(config),
      log,
    });
  let temporal = await startTemporal();
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/${runId}`;
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl);
  await migrate(pool, log);
  await pool.end();
  const port = await freePort();
  const stack: TestStack = {
    apiUrl: `http://127.0.0.1:${port}`,
    databaseUrl,
    temporalAddress: temporal.address,
    namespace: 'default',
    taskQueue: `stepflow-${runId}`,
    functionsDir: path.join(__dirname, '..', '..', 'fixtures', 'functions'),
    workerPids: [],
    functionHostPids: [],
    apiPid: 0,
    dataDir,
  };
  stack.apiPid = spawnStepflow(stack, 'api', { PORT: String(port) }).pid as number;
  stack.workerPids.push(spawnStepflow(stack, 'worker').pid as number);
  stack.functionHostPids.push(spawnStepflow(stack, 'functions', functionHostEnv).pid as number);
  await waitForHttp(`${stack.apiUrl}/healthz`);
  return {
    stack,
    get temporal() {
      return temporal;
    },
    async restartTemporal() {
      await temporal.stop();
      temporal = await startTemporal();
    },
    async destroy() {
      const pids = [...stack.functionHostPids, ...stack.workerPids, stack.apiPid];
      for (const pid of pids) killPid(pid, 'SIGTERM');
      await Promise.all(pids.map((pid) => waitForExit(pid)));
      await temporal.stop();
      await dropDatabase(databaseUrl).catch(() => undefined);
      await dropTemporalDatabases({ pg, databases, log }).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file that kills processes (workers, the API): a stack of the file's own for all its
 * tests, so parallel test files on the run's shared stack never lose a process under them. The
 * client helpers (`call`, `createMachine`, …) talk to it through `STEPFLOW_TEST_API_URL`, which
 * is per jest worker process, hence per file.
 */
export function useOwnStack(): { readonly current: OwnStack } {
  let own: OwnStack | undefined;
  beforeAll(async () => {
    own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
  }, 180_000);
  afterAll(async () => {
    delete process.env.STEPFLOW_TEST_API_URL;
    await own?.destroy();
  }, 60_000);
  return {
    get current(): OwnStack {
      if (!own) throw new Error('the own stack is not started yet (use it inside a test)');
      return own;
    },
  };
}
