import type { Queryable } from './pool';

/** An activity (`…:activity:<name>`). */
export interface ActivityRow {
  name: string;
  createdAt: Date;
}

const COLUMNS = 'name, created_at AS "createdAt"';

/** Creates an activity, or returns the one with that name (CreateActivity is idempotent by name). */
export async function putActivity(db: Queryable, name: string): Promise<{ row: ActivityRow; created: boolean }> {
  const inserted = await db.query(
    `INSERT INTO activities (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [name],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  return { row: (await findActivity(db, name)) as ActivityRow, created: false };
}

/** One activity. */
export async function findActivity(db: Queryable, name: string): Promise<ActivityRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM activities WHERE name = $1`, [name]);
  return rows[0];
}

/** Activities by name after `afterName` (keyset pagination). */
export async function listActivities(db: Queryable, limit: number, afterName?: string): Promise<ActivityRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM activities WHERE ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $1`,
    [limit, afterName ?? null],
  );
  return rows;
}

/** Deletes an activity and its tags; true when it existed. Call inside a transaction. */
export async function deleteActivity(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM activities WHERE name = $1', [name]);
  await db.query(`DELETE FROM resource_tags WHERE resource_type = 'activity' AND resource_name = $1`, [name]);
  return (rowCount ?? 0) > 0;
}
