import type { Pool, PoolClient } from 'pg';

type Queryable = Pool | PoolClient;

/** The scopes a key may hold: read ⊂ execute ⊂ admin is NOT implied; each is granted explicitly. */
export const SCOPES = ['read', 'execute', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** An API key as stored. */
export interface ApiKeyRow {
  id: string;
  secret: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = `id, secret, name, scopes, created_at AS "createdAt", revoked_at AS "revokedAt"`;

/** Stores a new key. */
export async function insertApiKey(db: Queryable, key: { id: string; secret: string; name: string; scopes: Scope[] }): Promise<ApiKeyRow> {
  const { rows } = await db.query(`INSERT INTO api_keys (id, secret, name, scopes) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [
    key.id,
    key.secret,
    key.name,
    key.scopes,
  ]);
  return rows[0];
}

/** An active (not revoked) key by id. */
export async function findActiveApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return rows[0];
}

/** Every key, newest first. */
export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC`);
  return rows;
}

/** Revokes a key; true when it was active. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return (rowCount ?? 0) > 0;
}

/** How many keys are active (none: the API runs open, on a loopback address only). */
export async function countActiveApiKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL');
  return rows[0].n as number;
}
