import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Config } from '../schemas/config';
import { cacheDir, loadConfig } from '../engine/config';
import { createPool, dropDatabase, ensureDatabase } from '../engine/db/pool';
import { migrate } from '../engine/db/migrate';
import { createLogger, type Logger } from '../engine/logger';
import { createTemporalClient } from '../engine/temporal/client';
import { spansExported } from '../engine/telemetry/spans-header';
import {
  dropTemporalDatabases,
  startLocalTemporal,
  type LocalTemporal,
  type TemporalPg,
} from '../engine/temporal/local-server';
import { allPorts, temporalPorts } from '../engine/temporal/local-server/config';
import { busyPorts } from '../engine/temporal/local-server/process';

/** The repository root (fuzz code runs from dist/fuzz/). */
export const ROOT = path.resolve(__dirname, '..', '..');

/** An error the in-process API logged, by request id. */
export interface LoggedError {
  msg: string;
  err?: { type?: string; message?: string; stack?: string };
}

/** What the fuzzer runs against: a throwaway database, its own Temporal server, a worker and a function host process, and the API's dependencies in this process. */
export interface FuzzStack {
  config: Config;
  pool: Pool;
  temporal: Client;
  log: Logger;
  /** Errors the API logged, keyed by request id (cleared by the caller as it reads them). */
  errors: Map<string, LoggedError>;
  /** Worker processes that exited on their own, with the tail of their log. */
  workerExits: { code: number | null; signal: string | null; logTail: string }[];
  tokenSecret: string;
  stop(): Promise<void>;
}

async function pickPortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
  throw new Error('no free port range for the fuzz Temporal server');
}

/** A logger that keeps every error line of the API (by request id) and drops the rest. */
function capturingLogger(errors: Map<string, LoggedError>): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as {
            level: number;
            requestId?: string;
            msg: string;
            err?: LoggedError['err'];
          };
          if (entry.level >= 50 && entry.requestId) errors.set(entry.requestId, { msg: entry.msg, err: entry.err });
        } catch {
          // not JSON: ignore
        }
      }
      done();
    },
  });
  return pino({ level: 'error' }, sink) as unknown as Logger;
}

/**
 * Starts what the API and executions targets need, the way the integration tests' global setup
 * does: a fresh database (migrated), the managed Temporal server on its own ports and databases,
 * one `stepflow worker` and one `stepflow functions` process (FUNCTIONS_DIR =
 * test/fixtures/functions), each restarted if it exits (each exit is recorded). Everything is removed by `stop()`.
 */
/** The stack's processes besides the API (which the fuzzer builds in-process for inject()). */
type Role = 'worker' | 'functions';

export async function startFuzzStack(): Promise<FuzzStack> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stepflow-fuzz');
  const base = loadConfig(process.env);
  const runId = `stepflow_fuzz_${Date.now().toString(36)}_${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-fuzz-'));
  const server = new URL(process.env.STEPFLOW_FUZZ_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/');
  server.pathname = `/${runId}`;
  const databaseUrl = server.toString();
  const pg: TemporalPg = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username) || 'postgres',
  };
  const databases = { main: `${runId}_temporal`, visibility: `${runId}_visibility` };
  const tokenSecret = randomBytes(24).toString('hex');
  const taskQueue = `stepflow-fuzz-${runId}`;
  const errors = new Map<string, LoggedError>();
  const workerExits: FuzzStack['workerExits'] = [];
  let temporal: LocalTemporal | undefined;
  let client: Client | undefined;
  let pool: Pool | undefined;
  const processes = new Map<Role, ChildProcess>();
  let stopping = false;

  const stop = async (): Promise<void> => {
    stopping = true;
    for (const child of processes.values()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await client?.connection.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await temporal?.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
    await dropTemporalDatabases({ pg, databases, log }).catch(() => undefined);
    if (!process.env.KEEP_FUZZ_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    temporal = await startLocalTemporal({
      dataDir,
      portBase: await pickPortBase(),
      pg,
      databases,
      namespace: base.TEMPORAL_NAMESPACE,
      cacheDir: cacheDir(base),
      log,
    });
    await ensureDatabase(databaseUrl);
    pool = createPool(databaseUrl);
    await migrate(pool, log);
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      FUNCTIONS_DIR: path.join(ROOT, 'test', 'fixtures', 'functions'),
      STEPFLOW_TOKEN_SECRET: tokenSecret,
      LOG_LEVEL: 'error',
    });
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: taskQueue,
      FUNCTIONS_DIR: config.FUNCTIONS_DIR,
      STEPFLOW_TOKEN_SECRET: tokenSecret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    // The workflow worker and the function host (functions run only there), each restarted on exit.
    const spawnRole = (role: Role): void => {
      const logFile = path.join(dataDir, `${role}.log`);
      const out = fs.openSync(logFile, 'a');
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), role], {
        env,
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      child.once('exit', (code, signal) => {
        if (stopping) return;
        const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        workerExits.push({ code, signal, logTail: `[${role}] ${text.slice(-3000)}` });
        log.warn({ role, code, signal }, 'fuzz: process exited; starting another');
        spawnRole(role);
      });
      processes.set(role, child);
    };
    spawnRole('worker');
    spawnRole('functions');
    client = await createTemporalClient(temporal.address, config.TEMPORAL_NAMESPACE, { spans: spansExported(config) });
    return { config, pool, temporal: client, log: capturingLogger(errors), errors, workerExits, tokenSecret, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
