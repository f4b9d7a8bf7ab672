import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, cacheDir } from '../../engine/config';
import { createLogger } from '../../engine/logger';
import {
  dropTemporalDatabases,
  ensureTemporalBinaries,
  startLocalTemporal,
  temporalPostgresFromUrl,
  type LocalTemporal,
} from '../../engine/temporal/local-server';
import { isAlive } from '../../engine/temporal/local-server/build';
import { isPortFree } from '../../engine/temporal/local-server/process';

/** Away from the standard 7233 so a developer's own server does not collide with the test. */
const PORT_BASE = 17233;
const NAMESPACE = 'stepflow-test';

describe('local temporal server', () => {
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'local-server-test');
  const suffix = randomBytes(4).toString('hex');
  const { pg } = temporalPostgresFromUrl(config.DATABASE_URL);
  const databases = { main: `stepflow_t${suffix}_temporal`, visibility: `stepflow_t${suffix}_visibility` };
  let dataDir: string;
  let server: LocalTemporal | undefined;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stepflow-temporal-'));
  });

  afterAll(async () => {
    await server?.stop();
    await dropTemporalDatabases({ pg, databases, log });
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test('serves the frontend and the namespace, then stops and frees its port when started on Postgres', async () => {
    const binaries = await ensureTemporalBinaries({ cacheDir: cacheDir(config), log });
    server = await startLocalTemporal({
      dataDir,
      portBase: PORT_BASE,
      pg,
      databases,
      namespace: NAMESPACE,
      log,
      binaries,
    });
    expect(server.address).toBe(`127.0.0.1:${PORT_BASE}`);

    const connection = await Connection.connect({ address: server.address });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBe('1.31.2');
      const described = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
      expect(described.namespaceInfo?.name).toBe(NAMESPACE);
      expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 24 * 3600);
    } finally {
      await connection.close();
    }
    const serverConfig = await fs.readFile(path.join(dataDir, 'temporal', 'config.yaml'), 'utf8');
    expect(serverConfig).toContain(`databaseName: "${databases.main}"`);
    // Every dynamic-config key is one this server knows (a misspelt key is silently ignored).
    const dynamicConfig = path.join(dataDir, 'temporal', 'dynamicconfig.yaml');
    const written = await fs.readFile(dynamicConfig, 'utf8');
    expect(written).toContain('history.transferProcessorMaxPollRPS');
    expect(written).toMatch(/^history\.timerProcessorMaxTimeShift:\n {2}- value: 10ms$/m);
    const validated = spawnSync(binaries.server, ['validate-dynamic-config', dynamicConfig], { encoding: 'utf8' });
    expect(validated.status).toBe(0);
    expect(`${validated.stdout}${validated.stderr}`.trim()).toBe(dynamicConfig);

    const { pid } = server;
    await server.stop();
    await server.stop(); // idempotent
    expect(isAlive(pid)).toBe(false);
    expect(await isPortFree(PORT_BASE)).toBe(true);
  }, 180_000);
});
