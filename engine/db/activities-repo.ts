import { keyedTable } from './keyed-table';
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

const activities = keyedTable<ActivityRow>('activities', 'name', COLUMNS);
/** One activity; activities by name after `afterName` (keyset pagination). */
export const { find: findActivity, list: listActivities } = activities;

/** Deletes an activity and its tags; true when it existed. Call inside a transaction. */
export async function deleteActivity(db: Queryable, name: string): Promise<boolean> {
  await db.query(`DELETE FROM resource_tags WHERE resource_type = 'activity' AND resource_name = $1`, [name]);
  return activities.remove(db, name);
}
