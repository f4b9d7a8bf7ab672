import type { PoolClient } from 'pg';

/** A state machine with one of its versions. */
export interface StateMachineVersionRow {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  version: number;
  definition: Record<string, unknown>;
  definitionHash: string;
  plan: unknown;
  roleArn: string | null;
  createdAt: Date;
  versionCreatedAt: Date;
}

type Queryable = Pick<PoolClient, 'query'>;

const SELECT = `SELECT m.name, m.type, m.role_arn AS "roleArn", v.version, v.definition, v.definition_hash AS "definitionHash", v.plan,
  m.created_at AS "createdAt", v.created_at AS "versionCreatedAt"
  FROM state_machines m JOIN state_machine_versions v ON v.state_machine = m.name`;

/**
 * Stores a definition as the newest immutable version of `name` (creating the machine when
 * new). The same definition (same hash) again returns the version it already has. Call inside
 * a transaction: the machine row is locked while the version number is chosen.
 */
export async function putVersion(
  db: Queryable,
  input: {
    name: string;
    type: 'STANDARD' | 'EXPRESS';
    definition: unknown;
    definitionHash: string;
    plan: unknown;
    roleArn?: string;
  },
): Promise<{ row: StateMachineVersionRow; created: boolean }> {
  await db.query(
    `INSERT INTO state_machines (name, type, latest_version, role_arn) VALUES ($1, $2, 0, $3)
     ON CONFLICT (name) DO UPDATE SET deleted_at = NULL, type = EXCLUDED.type,
       role_arn = COALESCE(EXCLUDED.role_arn, state_machines.role_arn), created_at = now()
     WHERE state_machines.deleted_at IS NOT NULL`,
    [input.name, input.type, input.roleArn ?? null],
  );
  const machine = await db.query('SELECT latest_version FROM state_machines WHERE name = $1 FOR UPDATE', [input.name]);
  const existing = await db.query(`${SELECT} WHERE m.name = $1 AND v.definition_hash = $2`, [input.name, input.definitionHash]);
  if (existing.rows[0]) return { row: existing.rows[0], created: false };
  const version = (machine.rows[0].latest_version as number) + 1;
  await db.query(
    `INSERT INTO state_machine_versions (state_machine, version, definition, definition_hash, plan)
     VALUES ($1, $2, $3::json, $4, $5::json)`,
    [input.name, version, JSON.stringify(input.definition), input.definitionHash, JSON.stringify(input.plan)],
  );
  await db.query('UPDATE state_machines SET latest_version = $2, updated_at = now() WHERE name = $1', [input.name, version]);
  const { rows } = await db.query(`${SELECT} WHERE m.name = $1 AND v.version = $2`, [input.name, version]);
  return { row: rows[0], created: true };
}

/** The latest version of a state machine, or a given one. */
export async function findVersion(db: Queryable, name: string, version?: number): Promise<StateMachineVersionRow | undefined> {
  const { rows } =
    version === undefined
      ? await db.query(`${SELECT} WHERE m.name = $1 AND v.version = m.latest_version AND m.deleted_at IS NULL`, [name])
      : await db.query(`${SELECT} WHERE m.name = $1 AND v.version = $2`, [name, version]);
  return rows[0];
}

/** State machines (not deleted), by name, after `afterName` (keyset pagination). */
export async function listStateMachines(db: Queryable, limit: number, afterName?: string): Promise<StateMachineVersionRow[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE v.version = m.latest_version AND m.deleted_at IS NULL AND ($2::text IS NULL OR m.name > $2)
     ORDER BY m.name LIMIT $1`,
    [limit, afterName ?? null],
  );
  return rows;
}

/** Deletes a state machine (soft: its versions and executions stay readable). True if it existed. */
export async function deleteStateMachine(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE state_machines SET deleted_at = now() WHERE name = $1 AND deleted_at IS NULL', [name]);
  return (rowCount ?? 0) > 0;
}
