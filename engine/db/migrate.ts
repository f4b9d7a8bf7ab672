import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { projectRoot } from '../project-root';
import type { Logger } from '../logger';

/** Arbitrary constant key of the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_KEY = 7_311_001;

/** Folder of the numbered SQL migrations (`NNN_name.sql`). */
export function migrationsDir(): string {
  return path.join(projectRoot(), 'engine', 'db', 'sql');
}

/**
 * Applies every numbered migration not yet recorded in `stepflow_migrations`, in order, each in
 * its own transaction. Forward-only; safe to run concurrently (an advisory lock serialises).
 * Returns the names applied.
 */
export async function migrate(pool: Pool, log: Logger, dir: string = migrationsDir()): Promise<string[]> {
  const files = fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS stepflow_migrations (
         name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await client.query('SELECT name FROM stepflow_migrations')).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO stepflow_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
      log.info({ migration: file }, 'migration applied');
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}
