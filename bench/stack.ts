import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { cacheDir, loadConfig } from '../engine/config';
import { createPool, dropDatabase, ensureDatabase } from '../engine/db/pool';
import { migrate } from '../engine/db/migrate';
import { createLogger, type Logger } from '../engine/logger';
import {
  dropTemporalDatabases,
  startLocalTemporal,
  type LocalTemporal,
  type TemporalPg,
} from '../engine/temporal/local-server';
import { allPorts, temporalPorts } from '../engine/temporal/local-server/config';
import { busyPorts } from '../engine/temporal/local-server/process';

/** The repository root (bench code runs from dist/bench/). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(ROOT, 'bench', 'functions');
export const STEPFLOW_TASK_QUEUE = 'stepflow-bench';
export const BASELINE_TASK_QUEUE = 'baseline-bench';

/** What the benchmark started: its own Temporal server, Stepflow API and worker, the baseline worker. */
export interface BenchStack {
  runId: string;
  /** Postgres server URL (no database), for the WAL meter. */
  serverUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  apiUrl: string;
  pids: { stepflowWorker: number; api: number; functionHost: number; baselineWorker: number; temporalServer: number };
  dataDir: string;
  /** Runs one query on Stepflow's database (what an execution stored). */
  query<T>(text: string, values: unknown[]): Promise<T[]>;
  /** Replaces a worker process with a fresh one (memory measurements start from a clean heap); returns its pid. */
  restartWorker(which: 'stepflowWorker' | 'baselineWorker'): Promise<number>;
  stop(): Promise<void>;
}

async function pickPortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
  throw new Error('no free port range for the bench Temporal server');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, logFile: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited (${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see ${logFile}`);
}

function logTo(dataDir: string, name: string): number {
  return fs.openSync(path.join(dataDir, `${name}.log`), 'a');
}

function waitReady(child: ChildProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`baseline worker not ready in ${timeoutMs} ms; see ${logFile}`)),
      timeoutMs,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`baseline worker exited (${code}); see ${logFile}`));
    });
  });
}

async function stopChild(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the stack the way the integration tests' global setup does: a fresh database, the
 * managed Temporal server on its own ports and databases, `stepflow api` and `stepflow worker`
 * from dist/ (FUNCTIONS_DIR = bench/functions), and the hand-written baseline's worker.
 */
export async function startBenchStack(
  log: Logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stepflow-bench'),
): Promise<BenchStack> {
  const config = loadConfig(process.env);
  const runId = `stepflow_bench_${Date.now().toString(36)}_${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-bench-'));
  const server = new URL(process.env.STEPFLOW_BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/');
  const serverUrl = server.toString();
  server.pathname = `/${runId}`;
  const databaseUrl = server.toString();
  const pg: TemporalPg = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username) || 'postgres',
  };
  const databases = { main: `${runId}_temporal`, visibility: `${runId}_visibility` };
  let children: ChildProcess[] = [];
  let temporal: LocalTemporal | undefined;

  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopChild(child);
    await temporal?.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
    await dropTemporalDatabases({ pg, databases, log }).catch(() => undefined);
    if (!process.env.KEEP_BENCH_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    temporal = await startLocalTemporal({
      dataDir,
      portBase: await pickPortBase(),
      pg,
      databases,
      namespace: config.TEMPORAL_NAMESPACE,
      cacheDir: cacheDir(config),
      log,
    });
    await ensureDatabase(databaseUrl);
    const pool = createPool(databaseUrl);
    await migrate(pool, log);
    await pool.end();

    const port = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: STEPFLOW_TASK_QUEUE,
      BASELINE_TASK_QUEUE,
      FUNCTIONS_DIR,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      PORT: String(port),
      BASELINE_BUNDLE: path.join(dataDir, 'baseline-bundle.js'),
    };
    const spawnRole = (role: 'api' | 'worker' | 'functions'): ChildProcess => {
      const out = logTo(dataDir, role);
      // BENCH_CPU_PROF_DIR: each Stepflow process writes V8 CPU profiles (one per thread) in
      // a folder named for its role there when it stops.
      const profile = process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF_DIR, role)}`]
        : [];
      const child = spawn(process.execPath, [...profile, path.join(ROOT, 'bin', 'stepflow.js'), role], {
        env,
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      children.push(child);
      return child;
    };
    const forkBaseline = async (): Promise<ChildProcess> => {
      const out = logTo(dataDir, 'baseline-worker');
      const child = fork(path.join(__dirname, 'baseline', 'worker.js'), [], {
        env,
        stdio: ['ignore', out, out, 'ipc'],
      });
      fs.closeSync(out);
      children.push(child);
      await waitReady(child, path.join(dataDir, 'baseline-worker.log'));
      return child;
    };
    const api = spawnRole('api');
    let worker = spawnRole('worker');
    // Stepflow's functions run on the function host, apart from the worker.
    const functionHost = spawnRole('functions');
    const apiUrl = `http://127.0.0.1:${port}`;
    const [, firstBaseline] = await Promise.all([
      waitForHttp(`${apiUrl}/healthz`, api, path.join(dataDir, 'api.log')),
      forkBaseline(),
    ]);
    let baseline = firstBaseline;
    const pids = {
      stepflowWorker: worker.pid as number,
      api: api.pid as number,
      functionHost: functionHost.pid as number,
      baselineWorker: baseline.pid as number,
      temporalServer: temporal.pid,
    };
    const restartWorker = async (which: 'stepflowWorker' | 'baselineWorker'): Promise<number> => {
      const old = which === 'stepflowWorker' ? worker : baseline;
      await stopChild(old);
      children = children.filter((child) => child !== old);
      if (which === 'stepflowWorker') worker = spawnRole('worker');
      else baseline = await forkBaseline();
      pids[which] = (which === 'stepflowWorker' ? worker : baseline).pid as number;
      return pids[which];
    };
    return {
      runId,
      serverUrl,
      databaseUrl,
      temporalAddress: temporal.address,
      namespace: config.TEMPORAL_NAMESPACE,
      apiUrl,
      pids,
      dataDir,
      restartWorker,
      async query<T>(text: string, values: unknown[]): Promise<T[]> {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query(text, values)).rows as T[];
        } finally {
          await client.end();
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
