import { keyedTable } from './keyed-table';
import type { Queryable } from './pool';

/** A webhook as stored: its secret only sealed. */
export interface WebhookRow {
  id: string;
  name: string;
  stateMachine: string;
  version: number | null;
  alias: string | null;
  secretSealed: string;
  createdAt: Date;
  rotatedAt: Date | null;
}

const COLUMNS = `id, name, state_machine AS "stateMachine", version, alias, secret_sealed AS "secretSealed",
  created_at AS "createdAt", rotated_at AS "rotatedAt"`;

export async function insertWebhook(
  db: Queryable,
  row: Omit<WebhookRow, 'createdAt' | 'rotatedAt'>,
): Promise<WebhookRow> {
  const { rows } = await db.query(
    `INSERT INTO trigger_webhooks (id, name, state_machine, version, alias, secret_sealed)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [row.id, row.name, row.stateMachine, row.version, row.alias, row.secretSealed],
  );
  return rows[0];
}

/** Webhooks by id: one, a page after `after` (keyset paging), a delete. */
export const {
  find: findWebhook,
  list: listWebhooks,
  remove: deleteWebhook,
} = keyedTable<WebhookRow>('trigger_webhooks', 'id', COLUMNS);

/** Replaces the sealed secret; undefined when the hook does not exist. */
export async function rotateWebhookSecret(
  db: Queryable,
  id: string,
  secretSealed: string,
): Promise<WebhookRow | undefined> {
  const { rows } = await db.query(
    `UPDATE trigger_webhooks SET secret_sealed = $2, rotated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, secretSealed],
  );
  return rows[0];
}
