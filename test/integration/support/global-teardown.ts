import fs from 'node:fs';
import { dropDatabase } from '../../../engine/db/pool';
import { createLogger } from '../../../engine/logger';
import { dropTemporalDatabases, type LocalTemporal } from '../../../engine/temporal/local-server';
import { killPid, readStack, waitForExit } from './stack';

/** Stops everything the global setup (and the tests) started and removes this run's databases. */
export default async function globalTeardown(): Promise<void> {
  const stack = readStack();
  const pids = [...stack.functionHostPids, ...stack.workerPids, stack.apiPid];
  for (const pid of pids) killPid(pid, 'SIGTERM');
  await Promise.all(pids.map((pid) => waitForExit(pid)));
  const temporal = (globalThis as Record<string, unknown>).__stepflowTemporal as LocalTemporal | undefined;
  const runId = (globalThis as Record<string, unknown>).__stepflowRunId as string;
  await temporal?.stop();
  await dropDatabase(stack.databaseUrl);
  if (temporal) {
    const url = new URL(stack.databaseUrl);
    await dropTemporalDatabases({
      pg: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username) || 'postgres' },
      databases: { main: `${runId}_temporal`, visibility: `${runId}_visibility` },
      log: createLogger('warn'),
    });
  }
  if (!process.env.KEEP_TEST_DATA) fs.rmSync(stack.dataDir, { recursive: true, force: true });
}
