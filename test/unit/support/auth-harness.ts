import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest, LightMyRequestResponse } from 'fastify';
import { authenticatedKeyId } from '../../../engine/api/auth';
import { buildApi } from '../../../engine/api/server';
import { loadConfig } from '../../../engine/config';
import { migrate } from '../../../engine/db/migrate';
import { createPool, dropDatabase, ensureDatabase, type Pool } from '../../../engine/db/pool';
import { createLogger } from '../../../engine/logger';
import { createMetrics } from '../../../engine/metrics';
import type { ServiceDeps } from '../../../engine/service/deps';
import type { Config } from '../../../schemas/config';

/** The master key of these tests (never a file: STEPFLOW_MASTER_KEY). */
export const TEST_MASTER_KEY = '5f'.repeat(32);
/** Header the test hook sets when a request got past authentication. */
export const REACHED = 'x-auth-test-reached';

/** A throwaway, migrated database on the machine's Postgres, dropped by `drop()`. */
export async function throwawayDatabase(label: string): Promise<{ url: string; pool: Pool; drop(): Promise<void> }> {
  const url = `postgres://postgres@127.0.0.1:5432/stepflow_${label}_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(url);
  const pool = createPool(url);
  await migrate(pool, createLogger('silent'));
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(url);
    },
  };
}

/** The configuration of an API on `databaseUrl` (loopback unless `HOST` says otherwise). */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, STEPFLOW_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'silent', ...env });
}

/** Routes as Fastify registered them: `<METHOD> <url>`. */
export interface AuthApp {
  app: FastifyInstance;
  routes: string[];
  /** The last request that got past authentication (to ask auth about it afterwards). */
  lastReached(): FastifyRequest | undefined;
  deps: ServiceDeps;
  close(): Promise<void>;
}

/**
 * The real app from buildApi, with one test hook added after authentication: a request that
 * gets past it answers 200 with the REACHED header instead of running the route (so no Temporal
 * server is needed). Temporal's connection is lazy and never used.
 */
export async function authApp(pool: Pool, config: Config): Promise<AuthApp> {
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const routes: string[] = [];
  let reached: FastifyRequest | undefined;
  const deps: ServiceDeps = { pool, temporal: new Client({ connection }), config, log: createLogger('silent') };
  const app = buildApi(deps, createMetrics('api'), {
    onRoute: (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
    },
  });
  app.addHook('preValidation', async (request, reply) => {
    reached = request;
    // Sent as text: the route's response schema must not apply to the test's answer.
    return reply
      .status(200)
      .header(REACHED, 'yes')
      .header('content-type', 'application/json')
      .send(JSON.stringify({ apiKey: authenticatedKeyId(request) ?? null }));
  });
  await app.ready();
  return {
    app,
    routes,
    lastReached: () => reached,
    deps,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}

/** AWS's own SigV4 signature of a Step Functions protocol request as `inject()` sends it. */
export async function sigv4Headers(
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string | undefined,
  body: string,
  options: { region?: string; service?: string; contentSha?: boolean } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'states',
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.contentSha ?? false,
  });
  const headers: Record<string, string> = { host: 'localhost:80', 'content-type': 'application/x-amz-json-1.0' };
  if (target !== undefined) headers['x-amz-target'] = target;
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: 'localhost',
    port: 80,
    path: '/',
    query: {},
    headers,
    body,
  });
  return Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

/**
 * What a response says about authentication: `reached` (it got past), or `<status> <code>` of a
 * refusal — the REST `code` or the protocol's `__type` (which must match x-amzn-errortype).
 */
export function outcome(response: LightMyRequestResponse): string {
  if (response.headers[REACHED] === 'yes') return 'reached';
  if (!response.body) return String(response.statusCode);
  const body = response.json() as { code?: string; __type?: string };
  if (body.__type !== undefined && response.headers['x-amzn-errortype'] !== body.__type)
    return `${response.statusCode} mismatched ${body.__type}`;
  return `${response.statusCode} ${body.code ?? body.__type}`;
}
