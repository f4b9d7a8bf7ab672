import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import {
  countActiveApiKeys,
  enableAuth,
  findActiveApiKey,
  findApiKey,
  insertApiKey,
  isAuthEnabled,
  plaintextApiKeySecrets,
  replaceApiKeySecret,
  storeSealedSecret,
  type ApiKeyRow,
  type Scope,
} from '../db/api-keys-repo';
import { withTransaction } from '../db/pool';
import type { Logger } from '../logger';
import { hashSecret, masterKeyOf, sealedBy, sealSecret, secretMatches, type MasterKey } from './key-secrets';

export type { ApiKeyRow, Scope };

/** The key `id` unless it is revoked or unknown (what authenticates a request). */
export function activeApiKey(pool: Pool, id: string): Promise<ApiKeyRow | undefined> {
  return findActiveApiKey(pool, id);
}

/** Whether requests must authenticate (a key was ever created, or auth was enabled explicitly). */
export function authRequired(pool: Pool): Promise<boolean> {
  return isAuthEnabled(pool);
}

/** Name given to the key registered from `STEPFLOW_ADMIN_KEY`. */
export const BOOTSTRAP_KEY_NAME = 'bootstrap (STEPFLOW_ADMIN_KEY)';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export { masterKeyOf } from './key-secrets';

/** Creates a key with a fresh random id and 192-bit secret; the secret is returned once and stored hashed and sealed. */
export async function createApiKey(
  pool: Pool,
  master: MasterKey,
  key: { name: string; scopes: Scope[] },
): Promise<{ row: ApiKeyRow; secret: string }> {
  const id = `SFK${randomBytes(8).toString('hex').toUpperCase()}`;
  const secret = randomBytes(24).toString('base64url');
  const row = await insertApiKey(pool, {
    id,
    name: key.name,
    scopes: key.scopes,
    secretHash: hashSecret(secret),
    secretSealed: sealSecret(master, id, secret),
  });
  return { row, secret };
}

/** Seals the plaintext secrets of keys made before migration 013 and erases the plaintext; returns how many. */
export async function sealPlaintextSecrets(pool: Pool, master: MasterKey, log: Logger): Promise<number> {
  const rows = await plaintextApiKeySecrets(pool);
  for (const { id, secret } of rows) await storeSealedSecret(pool, id, sealSecret(master, id, secret));
  if (rows.length > 0)
    log.info({ keys: rows.length, masterKey: master.id }, 'api key secrets sealed; plaintext erased');
  return rows.length;
}

/**
 * Registers `STEPFLOW_ADMIN_KEY=<id>.<secret>` as an admin key (scopes read, execute, admin) and
 * turns authentication on — idempotent, so every API start may run it. A changed secret for
 * the same id replaces the stored one (the environment is the operator's); a key an operator
 * revoked stays revoked.
 */
export async function ensureBootstrapKey(
  pool: Pool,
  master: MasterKey,
  bearer: string,
  log: Logger,
): Promise<'created' | 'unchanged' | 'replaced' | 'revoked'> {
  const dot = bearer.indexOf('.');
  const id = bearer.slice(0, dot);
  const secret = bearer.slice(dot + 1);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`api key ${id}`]);
    await enableAuth(client);
    const existing = await findApiKey(client, id);
    if (!existing) {
      await insertApiKey(client, {
        id,
        name: BOOTSTRAP_KEY_NAME,
        scopes: ['read', 'execute', 'admin'],
        secretHash: hashSecret(secret),
        secretSealed: sealSecret(master, id, secret),
      });
      log.info({ apiKey: id }, 'bootstrap api key registered');
      return 'created';
    }
    if (existing.revokedAt) {
      log.warn({ apiKey: id }, 'STEPFLOW_ADMIN_KEY names a revoked key; it stays revoked');
      return 'revoked';
    }
    if (
      secretMatches(existing.secretHash, secret) &&
      existing.secretSealed &&
      sealedBy(existing.secretSealed) === master.id
    )
      return 'unchanged';
    await replaceApiKeySecret(client, id, hashSecret(secret), sealSecret(master, id, secret));
    log.info({ apiKey: id }, 'bootstrap api key secret replaced');
    return 'replaced';
  });
}

/**
 * What the API does before it listens: seal any plaintext secret, register the bootstrap key,
 * and refuse to serve a non-loopback address while authentication is off. Warns about active
 * keys sealed under another master key (their SigV4 requests will be refused). Returns the
 * master key the API verifies SigV4 with.
 */
export async function prepareAuth(pool: Pool, config: Config, log: Logger): Promise<MasterKey> {
  const master = masterKeyOf(config);
  await sealPlaintextSecrets(pool, master, log);
  if (config.STEPFLOW_ADMIN_KEY) await ensureBootstrapKey(pool, master, config.STEPFLOW_ADMIN_KEY, log);
  if (!isLoopback(config.HOST) && !(await isAuthEnabled(pool))) {
    throw new Error(
      `refusing to listen on ${config.HOST} without API keys: anyone on the network could run and stop executions. ` +
        'Set STEPFLOW_ADMIN_KEY=<id>.<secret>, or create a key first (stepflow keys create --name <name> --scopes read,execute,admin), or set HOST=127.0.0.1',
    );
  }
  const { rows } = await pool.query<{ id: string; sealed: string }>(
    'SELECT id, secret_sealed AS sealed FROM api_keys WHERE revoked_at IS NULL AND secret_sealed IS NOT NULL',
  );
  const foreign = rows.filter((row) => sealedBy(row.sealed) !== master.id).map((row) => row.id);
  if (foreign.length > 0) {
    log.error(
      { apiKeys: foreign, masterKey: master.id, source: master.source },
      'api keys sealed under another master key: their SigV4 requests will be refused (Bearer still works); give every API and CLI the same STEPFLOW_MASTER_KEY',
    );
  }
  log.info(
    { authentication: await isAuthEnabled(pool), activeKeys: await countActiveApiKeys(pool), masterKey: master.id },
    'api authentication ready',
  );
  return master;
}
