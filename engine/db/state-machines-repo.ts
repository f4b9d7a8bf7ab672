import type { PoolClient } from 'pg';

/** A state machine with one of its versions. */
export interface StateMachineVersionRow {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  version: number;
  definition: Record<string, unknown>;
  definitionHash: string;
  plan: unknown;
  createdAt: Date;
  versionCreatedAt: Date;
}

type Queryable = Pick<PoolClient, 'query'>;

const SELECT = `SELECT m.name, m.type, v.version, v.definition, v.definition_hash AS "definitionHash", v.plan,
  m.created_at AS "createdAt", v.created_at AS "versionCreatedAt"
  FROM state_machines m JOIN state_machine_versions v ON v.state_machine = m.name`;

/**
 * Stores a definition as the newest immutable version of `name` (creating the machine when
 * new). The same definition (same hash) again returns the version it already has. Call inside
 * a transaction: the machine row is locked while the version number is chosen.
 */
export async function putVersion(
  db: Queryable,
  input: { name: string; type: 'STANDARD' | 'EXPRESS'; definition: unknown; definitionHash: string; plan: unknown },
): Promise<{ row: StateMachineVersionRow; created: boolean }> {
  await db.query(
    `INSERT INTO state_machines (name, type, latest_version) VALUES ($1, $2, 0) ON CONFLICT (name) DO NOTHING`,
    [input.name, input.type],
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
      ? await db.query(`${SELECT} WHERE m.name = $1 AND v.version = m.latest_version`, [name])
      : await db.query(`${SELECT} WHERE m.name = $1 AND v.version = $2`, [name, version]);
  return rows[0];
}
