import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../engine/api/server';
import { loadConfig } from '../../../engine/config';
import { migrate } from '../../../engine/db/migrate';
import { createPool, dropDatabase, ensureDatabase, type Pool } from '../../../engine/db/pool';
import { createLogger } from '../../../engine/logger';

/** An API built for `inject()` on its own throwaway database, and how to dispose of both. */
export interface ApiApp {
  app: FastifyInstance;
  pool: Pool;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Temporal is not part of these tests: any use of the client fails the request loudly (a 500 the
 * test would see) rather than reaching a server.
 */
const NO_TEMPORAL = new Proxy({} as Client, {
  get(_target, property) {
    throw new Error(`Temporal is not available in inject tests (client.${String(property)})`);
  },
});

/** Builds the API on a fresh, migrated database named after `label`; `close()` drops it. */
export async function apiApp(label: string): Promise<ApiApp> {
  const server = new URL(process.env.STEPFLOW_TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/');
  server.pathname = `/stepflow_inject_${label}_${Date.now().toString(36)}_${process.pid}`;
  const databaseUrl = server.toString();
  const log = createLogger('silent', 'stepflow-inject');
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl);
  await migrate(pool, log);
  const config = loadConfig({});
  const app = buildApi({ pool, temporal: NO_TEMPORAL, config, log });
  await app.ready();
  return {
    app,
    pool,
    databaseUrl,
    async close() {
      await app.close();
      await pool.end();
      await dropDatabase(databaseUrl);
    },
  };
}
