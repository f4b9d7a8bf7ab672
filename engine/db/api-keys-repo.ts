import type { Pool } from 'pg';
import type { Queryable } from './pool';
import { withTransaction } from './pool';

/** The scopes a key may hold: read ⊂ execute ⊂ admin is NOT implied; each is granted explicitly. */
export const SCOPES = ['read', 'execute', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** An API key as stored: the secret only as a hash and sealed (see engine/service/key-secrets.ts). */
export interface ApiKeyRow {
  id: string;
  name: string;
  scopes: Scope[];
  /** Hex SHA-256 of the secret. */
  secretHash: string;
  /** The secret sealed under the master key (null only for a pre-013 row not yet sealed). */
  secretSealed: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** The `settings` row that says whether the API requires keys ('on') or runs open ('off'/absent). */
const AUTH_SETTING = 'api_auth';

const COLUMNS = `id, name, scopes, secret_hash AS "secretHash", secret_sealed AS "secretSealed", created_at AS "createdAt", revoked_at AS "revokedAt"`;

/** Stores a new key (a trigger turns authentication on in the same statement). */
export async function insertApiKey(
  db: Queryable,
  key: { id: string; name: string; scopes: Scope[]; secretHash: string; secretSealed: string },
): Promise<ApiKeyRow> {
  const { rows } = await db.query(
    `INSERT INTO api_keys (id, name, scopes, secret_hash, secret_sealed) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [key.id, key.name, key.scopes, key.secretHash, key.secretSealed],
  );
  return rows[0];
}

/** A key by id, active or revoked. */
export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0];
}

/** An active (not revoked) key by id. */
export async function findActiveApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return rows[0];
}

/** Every key, newest first. */
export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
  return rows;
}

/** Revokes a key; true when it was active. Authentication stays on even when none is left. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Replaces a key's secret (the bootstrap key when `STEPFLOW_ADMIN_KEY` changes). */
export async function replaceApiKeySecret(
  db: Queryable,
  id: string,
  secretHash: string,
  secretSealed: string,
): Promise<void> {
  await db.query('UPDATE api_keys SET secret_hash = $2, secret_sealed = $3, secret = NULL WHERE id = $1', [
    id,
    secretHash,
    secretSealed,
  ]);
}

/** How many keys are active. */
export async function countActiveApiKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL');
  return rows[0].n as number;
}

/** Keys created before secrets were sealed (migration 013): their plaintext, to seal and clear. */
export async function plaintextApiKeySecrets(db: Queryable): Promise<Array<{ id: string; secret: string }>> {
  const { rows } = await db.query('SELECT id, secret FROM api_keys WHERE secret IS NOT NULL ORDER BY id');
  return rows;
}

/** Stores a sealed secret and erases the plaintext one. */
export async function storeSealedSecret(db: Queryable, id: string, secretSealed: string): Promise<void> {
  await db.query('UPDATE api_keys SET secret_sealed = $2, secret = NULL WHERE id = $1', [id, secretSealed]);
}

/** True when the API requires keys: from the first key created until `stepflow auth disable`. */
export async function isAuthEnabled(db: Queryable): Promise<boolean> {
  const { rows } = await db.query('SELECT value FROM settings WHERE name = $1', [AUTH_SETTING]);
  return rows[0]?.value === 'on';
}

/** Turns authentication on (creating a key does this too, through a trigger). */
export async function enableAuth(db: Queryable): Promise<void> {
  await db.query(`INSERT INTO settings (name, value) VALUES ($1, 'on') ON CONFLICT (name) DO UPDATE SET value = 'on'`, [
    AUTH_SETTING,
  ]);
}

/**
 * Turns authentication off — the operator's explicit act, and only with no active key left (so
 * a key that exists is never silently ignored). Returns the number of active keys that
 * prevented it (0: done). The settings row is locked before the keys are counted: a key
 * inserted concurrently either commits first (and is counted) or its trigger waits and turns
 * authentication back on after.
 */
export async function disableAuth(pool: Pool): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query(`INSERT INTO settings (name, value) VALUES ($1, 'off') ON CONFLICT (name) DO NOTHING`, [
      AUTH_SETTING,
    ]);
    await client.query('SELECT value FROM settings WHERE name = $1 FOR UPDATE', [AUTH_SETTING]);
    const active = await countActiveApiKeys(client);
    if (active === 0) await client.query(`UPDATE settings SET value = 'off' WHERE name = $1`, [AUTH_SETTING]);
    return active;
  });
}
