import type { Queryable } from '../db/pool';

/** A notification target as stored. */
export interface TargetRow {
  id: string;
  name: string;
  type: 'webhook' | 'nats' | 'rabbitmq';
  url: string;
  subject: string | null;
  exchange: string | null;
  stateMachines: string[];
  statuses: string[];
  secretSealed: string;
  enabled: boolean;
  createdAt: Date;
  deliveredCount: string;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** Deliveries waiting (count). */
  pending: string;
}

const COLUMNS = `t.id, t.name, t.type, t.url, t.subject, t.exchange, t.state_machines AS "stateMachines",
  t.statuses, t.secret_sealed AS "secretSealed", t.enabled, t.created_at AS "createdAt",
  t.delivered_count AS "deliveredCount", t.last_delivered_at AS "lastDeliveredAt",
  t.last_error AS "lastError", t.last_error_at AS "lastErrorAt",
  (SELECT count(*) FROM notification_deliveries d WHERE d.target_id = t.id) AS pending`;

/** Inserts a target; undefined when the name is taken. */
export async function insertTarget(
  db: Queryable,
  row: Pick<TargetRow, 'id' | 'name' | 'type' | 'url' | 'subject' | 'exchange' | 'stateMachines' | 'statuses'> & {
    secretSealed: string;
    enabled: boolean;
  },
): Promise<TargetRow | undefined> {
  const { rows } = await db.query(
    `INSERT INTO notification_targets (id, name, type, url, subject, exchange, state_machines, statuses, secret_sealed, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (name) DO NOTHING
     RETURNING name`,
    [
      row.id,
      row.name,
      row.type,
      row.url,
      row.subject,
      row.exchange,
      row.stateMachines,
      row.statuses,
      row.secretSealed,
      row.enabled,
    ],
  );
  return rows[0] ? findTarget(db, row.name) : undefined;
}

/** Every target, by name. */
export async function listTargets(db: Queryable): Promise<TargetRow[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM notification_targets t ORDER BY t.name`);
  return rows;
}

/** One target by name. */
export async function findTarget(db: Queryable, name: string): Promise<TargetRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM notification_targets t WHERE t.name = $1`, [name]);
  return rows[0];
}

/** Changes what is given of `enabled` and the filters; undefined when there is no such target. */
export async function updateTarget(
  db: Queryable,
  name: string,
  change: { enabled?: boolean; stateMachines?: string[]; statuses?: string[] },
): Promise<TargetRow | undefined> {
  const { rowCount } = await db.query(
    `UPDATE notification_targets SET enabled = coalesce($2, enabled), state_machines = coalesce($3, state_machines),
        statuses = coalesce($4, statuses) WHERE name = $1`,
    [name, change.enabled ?? null, change.stateMachines ?? null, change.statuses ?? null],
  );
  return rowCount ? findTarget(db, name) : undefined;
}

/** Replaces the sealed secret; false when there is no such target. */
export async function replaceTargetSecret(db: Queryable, name: string, secretSealed: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE notification_targets SET secret_sealed = $2 WHERE name = $1', [
    name,
    secretSealed,
  ]);
  return rowCount === 1;
}

/** Deletes a target and what it had still to deliver; false when there is no such target. */
export async function deleteTarget(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM notification_targets WHERE name = $1', [name]);
  return rowCount === 1;
}
