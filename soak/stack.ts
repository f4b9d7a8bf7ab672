import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir, loadConfig } from '../engine/config';
import { createPool, ensureDatabase } from '../engine/db/pool';
import { migrate } from '../engine/db/migrate';
import type { Logger } from '../engine/logger';
import { startLocalTemporal, type LocalTemporal } from '../engine/temporal/local-server';
import { allPorts, temporalPorts } from '../engine/temporal/local-server/config';
import { busyPorts } from '../engine/temporal/local-server/process';
import { startPgCluster, type PgCluster } from '../test/integration/support/own-stack';
import { freePort } from '../test/integration/support/stack';
import { ProcessManager, type RoleSpec } from './processes';

/** The repository root (soak code runs from dist/soak/). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(ROOT, 'soak', 'functions');
const TASK_QUEUE = 'stepflow-soak';

/** The soak's own stack: a Postgres cluster, a Temporal server on it, the `stepflow` processes. */
export interface SoakStack {
  dataDir: string;
  /** Where the functions leave their evidence (calls, effects, tokens). */
  evidenceDir: string;
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  processes: ProcessManager;
  /** Stops the Temporal server (SIGTERM) and starts it again on the same ports and databases. */
  restartTemporal(): Promise<void>;
  /** Stops Postgres (fast shutdown), waits `downMs`, starts it again. */
  restartPostgres(downMs: number): Promise<void>;
  /** True while the Temporal server's process is alive. */
  temporalAlive(): boolean;
  /** Stops everything; the data directory stays when `keep` (or `--keep`) says so. */
  stop(keep?: boolean): Promise<void>;
}

async function portBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
  throw new Error('no free port range for the soak Temporal server');
}

async function waitForHealth(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url}/healthz did not answer within ${timeoutMs} ms`);
}

/** Starts the whole stack; `keep` leaves the data directory (logs, evidence) in place at the end. */
export async function startSoakStack(roles: readonly RoleSpec[], log: Logger, keep: boolean): Promise<SoakStack> {
  const config = loadConfig(process.env);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-soak-'));
  const evidenceDir = path.join(dataDir, 'evidence');
  for (const sub of ['effects', 'tokens', 'answered']) fs.mkdirSync(path.join(evidenceDir, sub), { recursive: true });
  let pg: PgCluster | undefined;
  let temporal: LocalTemporal | undefined;
  let processes: ProcessManager | undefined;
  const stop = async (keepNow = false): Promise<void> => {
    await processes?.stopAll();
    await temporal?.stop();
    pg?.destroy();
    if (!keep && !keepNow) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    pg = await startPgCluster();
    const pgConn = { host: '127.0.0.1', port: pg.port, user: 'postgres' };
    const databases = { main: 'soak_temporal', visibility: 'soak_visibility' };
    const base = await portBase();
    const startTemporal = () =>
      startLocalTemporal({
        dataDir,
        portBase: base,
        pg: pgConn,
        databases,
        namespace: 'default',
        cacheDir: cacheDir(config),
        log,
      });
    temporal = await startTemporal();
    const databaseUrl = `postgres://postgres@127.0.0.1:${pg.port}/stepflow_soak`;
    await ensureDatabase(databaseUrl);
    const pool = createPool(databaseUrl);
    await migrate(pool, log);
    await pool.end();
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const temporalAddress = temporal.address;
    processes = new ProcessManager(ROOT, dataDir, (role) => ({
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      FUNCTIONS_DIR,
      STEPFLOW_TOKEN_SECRET: 'soak-token-secret-0123456789',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...(role === 'api' ? { PORT: String(port) } : {}),
    }));
    processes.startAll(roles);
    await waitForHealth(apiUrl);
    const cluster = pg;
    return {
      dataDir,
      evidenceDir,
      apiUrl,
      databaseUrl,
      temporalAddress,
      namespace: 'default',
      processes,
      async restartTemporal() {
        await temporal?.stop();
        temporal = await startTemporal();
      },
      async restartPostgres(downMs) {
        cluster.stop();
        await sleep(downMs);
        cluster.start();
      },
      temporalAlive() {
        try {
          process.kill(temporal?.pid as number, 0);
          return true;
        } catch {
          return false;
        }
      },
      stop,
    };
  } catch (err) {
    await stop(true);
    process.stderr.write(`soak: the stack did not start; logs in ${dataDir}\n`);
    throw err;
  }
}

/** Waits until the API answers `/healthz` again (after a restart or an outage). */
export { waitForHealth };
