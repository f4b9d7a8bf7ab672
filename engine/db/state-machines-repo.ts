import { randomUUID } from 'node:crypto';
import type { Queryable } from './pool';

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
  /** The machine's current revision (Step Functions' `revisionId`). */
  revisionId: string;
  /** The definition exactly as last submitted through the Step Functions protocol, if it was. */
  definitionText: string | null;
  loggingConfiguration: Record<string, unknown> | null;
  /** `tracingConfiguration.enabled` as set (null: never set, the deployment default applies). */
  tracingEnabled: boolean | null;
  updatedAt: Date;
}

const SELECT = `SELECT m.name, m.type, m.role_arn AS "roleArn", v.version, v.definition, v.definition_hash AS "definitionHash", v.plan,
  m.created_at AS "createdAt", v.created_at AS "versionCreatedAt", m.revision_id AS "revisionId",
  m.definition_text AS "definitionText", m.logging_configuration AS "loggingConfiguration", m.tracing_enabled AS "tracingEnabled",
  m.updated_at AS "updatedAt"
  FROM state_machines m JOIN state_machine_versions v ON v.state_machine = m.name`;

/** What a submission sets on the machine besides its definition (undefined keeps the current value). */
export interface MachineDetails {
  roleArn?: string;
  definitionText?: string;
  loggingConfiguration?: unknown;
}

/**
 * Stores a definition as the current version of `name` (creating the machine when new, or
 * bringing a deleted one back as a new resource). A definition already stored (same hash) reuses
 * its version. The revision changes when the definition, role or logging configuration does.
 * Call inside a transaction: the machine row is locked while the version number is chosen.
 */
export async function putVersion(
  db: Queryable,
  input: MachineDetails & {
    name: string;
    type: 'STANDARD' | 'EXPRESS';
    definition: unknown;
    definitionHash: string;
    plan: unknown;
  },
): Promise<{ row: StateMachineVersionRow; created: boolean }> {
  await db.query(
    `INSERT INTO state_machines (name, type, latest_version, role_arn, revision_id) VALUES ($1, $2, 0, $3, $4)
     ON CONFLICT (name) DO UPDATE SET deleted_at = NULL, type = EXCLUDED.type, latest_version = 0,
       role_arn = EXCLUDED.role_arn, created_at = now(), revision_id = EXCLUDED.revision_id,
       definition_text = NULL, logging_configuration = NULL, last_published = 0
     WHERE state_machines.deleted_at IS NOT NULL`,
    [input.name, input.type, input.roleArn ?? null, randomUUID()],
  );
  const machine = await db.query(
    'SELECT latest_version, role_arn, logging_configuration::text AS logging FROM state_machines WHERE name = $1 FOR UPDATE',
    [input.name],
  );
  const current = machine.rows[0] as { latest_version: number; role_arn: string | null; logging: string | null };
  const existing = await db.query(
    'SELECT version FROM state_machine_versions WHERE state_machine = $1 AND definition_hash = $2',
    [input.name, input.definitionHash],
  );
  let version: number = existing.rows[0]?.version;
  const created = version === undefined;
  if (created) {
    const { rows } = await db.query(
      'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM state_machine_versions WHERE state_machine = $1',
      [input.name],
    );
    version = rows[0].next;
    await db.query(
      `INSERT INTO state_machine_versions (state_machine, version, definition, definition_hash, plan)
       VALUES ($1, $2, $3::json, $4, $5::json)`,
      [input.name, version, JSON.stringify(input.definition), input.definitionHash, JSON.stringify(input.plan)],
    );
  }
  const logging =
    input.loggingConfiguration === undefined ? current.logging : JSON.stringify(input.loggingConfiguration);
  const changed =
    version !== current.latest_version ||
    (input.roleArn !== undefined && input.roleArn !== current.role_arn) ||
    logging !== current.logging;
  await db.query(
    `UPDATE state_machines SET latest_version = $2, role_arn = COALESCE($3, role_arn), definition_text = COALESCE($4, definition_text),
       logging_configuration = $5::json, revision_id = CASE WHEN $6 THEN $7::uuid ELSE revision_id END,
       updated_at = CASE WHEN $6 THEN now() ELSE updated_at END
     WHERE name = $1`,
    [input.name, version, input.roleArn ?? null, input.definitionText ?? null, logging, changed, randomUUID()],
  );
  const { rows } = await db.query(`${SELECT} WHERE m.name = $1 AND v.version = $2`, [input.name, version]);
  return { row: rows[0], created };
}

/** The latest version of a state machine, or a given one. */
export async function findVersion(
  db: Queryable,
  name: string,
  version?: number,
): Promise<StateMachineVersionRow | undefined> {
  const { rows } =
    version === undefined
      ? await db.query(`${SELECT} WHERE m.name = $1 AND v.version = m.latest_version AND m.deleted_at IS NULL`, [name])
      : await db.query(`${SELECT} WHERE m.name = $1 AND v.version = $2`, [name, version]);
  return rows[0];
}

/** State machines (not deleted), by name, after `afterName` (keyset pagination). */
export async function listStateMachines(
  db: Queryable,
  limit: number,
  afterName?: string,
): Promise<StateMachineVersionRow[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE v.version = m.latest_version AND m.deleted_at IS NULL AND ($2::text IS NULL OR m.name > $2)
     ORDER BY m.name LIMIT $1`,
    [limit, afterName ?? null],
  );
  return rows;
}

/**
 * Deletes a state machine (soft: its stored definitions and executions stay readable) with its
 * aliases, published versions and tags, which Step Functions deletes with it. True if it existed.
 * Call inside a transaction.
 */
export async function deleteStateMachine(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE state_machines SET deleted_at = now() WHERE name = $1 AND deleted_at IS NULL',
    [name],
  );
  await db.query('DELETE FROM state_machine_aliases WHERE state_machine = $1', [name]);
  await db.query('DELETE FROM published_versions WHERE state_machine = $1', [name]);
  await db.query(`DELETE FROM resource_tags WHERE resource_type = 'stateMachine' AND resource_name = $1`, [name]);
  return (rowCount ?? 0) > 0;
}
