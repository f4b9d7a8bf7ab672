import { Client, Pool, type PoolClient } from 'pg';

export type { Pool, PoolClient };

/** What a repository function queries through: the pool, or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * A pg pool for `databaseUrl`. An idle connection that Postgres drops (restart, failover) emits
 * an error on the pool; it is logged, never allowed to crash the process — the next query
 * opens a new connection, and a failing query is answered 503 by the API.
 */
export function createPool(databaseUrl: string, log?: { warn(obj: object, msg: string): void }): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', (err) => log?.warn({ err }, 'idle database connection lost'));
  return pool;
}

/** Runs `work` in one transaction, committing on success and rolling back on any error. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs `work` on a connection to the `postgres` database of `databaseUrl`'s server, given the database's name. */
async function withAdminClient(databaseUrl: string, work: (admin: Client, name: string) => Promise<unknown>) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await work(admin, name);
  } finally {
    await admin.end();
  }
}

/** Creates the database named in `databaseUrl` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  await withAdminClient(databaseUrl, async (admin, name) => {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
    }
  });
}

/** Drops the database named in `databaseUrl` (tests only). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withAdminClient(databaseUrl, (admin, name) =>
    admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}
