import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, cacheDir } from '../../../engine/config';
import { createPool, ensureDatabase } from '../../../engine/db/pool';
import { migrate } from '../../../engine/db/migrate';
import { createLogger } from '../../../engine/logger';
import { startLocalTemporal, type LocalTemporal } from '../../../engine/temporal/local-server';
import { allPorts, temporalPorts } from '../../../engine/temporal/local-server/config';
import { busyPorts } from '../../../engine/temporal/local-server/process';
import { freePort, ROOT, spawnStepflow, STATE_FILE_ENV, waitForHttp, writeStack, type TestStack } from './stack';

/**
 * A port base for the test run's own Temporal server: base-300 … base+20 must be free, and
 * Temporal stores membership ports as smallint, so every port stays below 32768.
 */
async function pickPortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
  throw new Error('no free port range for the test Temporal server');
}

/**
 * Starts this run's own stack: a fresh Stepflow database, the managed Temporal server on its own
 * ports and databases (or `TEMPORAL_ADDRESS`), then one API, one worker and one function host process.
 */
export default async function globalSetup(): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stepflow-test');
  const config = loadConfig(process.env);
  const runId = `stepflow_test_${Date.now().toString(36)}_${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-test-'));
  process.env[STATE_FILE_ENV] = path.join(dataDir, 'stack.json');
  const server = new URL(process.env.STEPFLOW_TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/');
  server.pathname = `/${runId}`;
  const databaseUrl = server.toString();

  let temporal: LocalTemporal | undefined;
  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const started = Date.now();
    temporal = await startLocalTemporal({
      dataDir,
      portBase: await pickPortBase(),
      pg: {
        host: server.hostname,
        port: Number(server.port || 5432),
        user: decodeURIComponent(server.username) || 'postgres',
      },
      databases: { main: `${runId}_temporal`, visibility: `${runId}_visibility` },
      namespace: config.TEMPORAL_NAMESPACE,
      cacheDir: cacheDir(config),
      log,
    });
    temporalAddress = temporal.address;
    process.stderr.write(
      `\n[stepflow test] temporal server ready at ${temporalAddress} in ${Date.now() - started} ms\n`,
    );
  }
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl);
  await migrate(pool, log);
  await pool.end();

  const stack: TestStack = {
    apiUrl: '',
    databaseUrl,
    temporalAddress,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: `stepflow-test-${runId}`,
    functionsDir: path.join(ROOT, 'test', 'fixtures', 'functions'),
    workerPids: [],
    functionHostPids: [],
    apiPid: 0,
    dataDir,
  };
  const port = await freePort();
  stack.apiUrl = `http://127.0.0.1:${port}`;
  const api = spawnStepflow(stack, 'api', { PORT: String(port) });
  const worker = spawnStepflow(stack, 'worker');
  const functions = spawnStepflow(stack, 'functions');
  stack.apiPid = api.pid as number;
  stack.workerPids.push(worker.pid as number);
  stack.functionHostPids.push(functions.pid as number);
  writeStack(stack);
  (globalThis as Record<string, unknown>).__stepflowTemporal = temporal;
  (globalThis as Record<string, unknown>).__stepflowRunId = runId;
  await waitForHttp(`${stack.apiUrl}/healthz`);
}
