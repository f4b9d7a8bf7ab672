import type { Queryable } from './pool';

/** A published state machine version (`…:stateMachine:<name>:<versionNumber>`) with what it runs. */
export interface PublishedVersionRow {
  stateMachine: string;
  versionNumber: number;
  /** The stored definition (`state_machine_versions.version`) this version runs. */
  definitionVersion: number;
  revisionId: string;
  roleArn: string | null;
  definitionText: string | null;
  description: string | null;
  createdAt: Date;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
  plan: unknown;
}

const SELECT = `SELECT p.state_machine AS "stateMachine", p.version_number AS "versionNumber", p.definition_version AS "definitionVersion",
  p.revision_id AS "revisionId", p.role_arn AS "roleArn", p.definition_text AS "definitionText", p.description,
  p.created_at AS "createdAt", m.type, v.definition, v.plan
  FROM published_versions p
  JOIN state_machines m ON m.name = p.state_machine AND m.deleted_at IS NULL
  JOIN state_machine_versions v ON v.state_machine = p.state_machine AND v.version = p.definition_version`;

/**
 * Publishes the machine's current revision as the next version number, unless that revision's
 * newest version already exists (then it is returned: publishing is idempotent per revision).
 * Undefined when the machine does not exist. Call inside a transaction (the machine row is locked).
 */
export async function publishCurrentRevision(
  db: Queryable,
  stateMachine: string,
  description: string | undefined,
): Promise<{ row: PublishedVersionRow; created: boolean; currentRevisionId: string } | undefined> {
  const machine = await db.query(
    `SELECT latest_version, revision_id, role_arn, definition_text, last_published FROM state_machines
      WHERE name = $1 AND deleted_at IS NULL FOR UPDATE`,
    [stateMachine],
  );
  const current = machine.rows[0];
  if (!current) return undefined;
  const newest = await db.query(`${SELECT} WHERE p.state_machine = $1 ORDER BY p.version_number DESC LIMIT 1`, [
    stateMachine,
  ]);
  if (newest.rows[0] && newest.rows[0].revisionId === current.revision_id) {
    return { row: newest.rows[0], created: false, currentRevisionId: current.revision_id };
  }
  const versionNumber = (current.last_published as number) + 1;
  await db.query(
    `INSERT INTO published_versions (state_machine, version_number, definition_version, revision_id, role_arn, definition_text, description)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      stateMachine,
      versionNumber,
      current.latest_version,
      current.revision_id,
      current.role_arn,
      current.definition_text,
      description ?? null,
    ],
  );
  await db.query('UPDATE state_machines SET last_published = $2 WHERE name = $1', [stateMachine, versionNumber]);
  const row = await findPublishedVersion(db, stateMachine, versionNumber);
  return { row: row as PublishedVersionRow, created: true, currentRevisionId: current.revision_id };
}

/** The machine's current revision id, or undefined when the machine does not exist. */
export async function currentRevisionId(db: Queryable, stateMachine: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT revision_id FROM state_machines WHERE name = $1 AND deleted_at IS NULL', [
    stateMachine,
  ]);
  return rows[0]?.revision_id;
}

/** One published version of a live machine. */
export async function findPublishedVersion(
  db: Queryable,
  stateMachine: string,
  versionNumber: number,
): Promise<PublishedVersionRow | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE p.state_machine = $1 AND p.version_number = $2`, [
    stateMachine,
    versionNumber,
  ]);
  return rows[0];
}

/** Published versions, newest first, below `beforeNumber` (keyset pagination). */
export async function listPublishedVersions(
  db: Queryable,
  stateMachine: string,
  limit: number,
  beforeNumber?: number,
): Promise<PublishedVersionRow[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE p.state_machine = $1 AND ($3::integer IS NULL OR p.version_number < $3)
     ORDER BY p.version_number DESC LIMIT $2`,
    [stateMachine, limit, beforeNumber ?? null],
  );
  return rows;
}

/** Deletes a published version; true when it existed. Callers check alias references first. */
export async function deletePublishedVersion(
  db: Queryable,
  stateMachine: string,
  versionNumber: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM published_versions WHERE state_machine = $1 AND version_number = $2',
    [stateMachine, versionNumber],
  );
  return (rowCount ?? 0) > 0;
}
