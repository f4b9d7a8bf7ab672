import type { Queryable } from './pool';

/** One route of an alias: a published version number and its share (percent) of executions. */
export interface AliasRoute {
  versionNumber: number;
  weight: number;
}

/** A state machine alias (`…:stateMachine:<name>:<alias>`) and its routing configuration. */
export interface AliasRow {
  stateMachine: string;
  name: string;
  description: string | null;
  routes: AliasRoute[];
  createdAt: Date;
  updatedAt: Date;
}

const SELECT = `SELECT a.state_machine AS "stateMachine", a.name, a.description, a.created_at AS "createdAt", a.updated_at AS "updatedAt",
  COALESCE((SELECT json_agg(json_build_object('versionNumber', r.version_number, 'weight', r.weight) ORDER BY r.position)
              FROM state_machine_alias_routes r WHERE r.state_machine = a.state_machine AND r.alias = a.name), '[]') AS routes
  FROM state_machine_aliases a`;

/** Replaces an alias's routes (inside the caller's transaction). */
async function putRoutes(db: Queryable, stateMachine: string, alias: string, routes: AliasRoute[]): Promise<void> {
  await db.query('DELETE FROM state_machine_alias_routes WHERE state_machine = $1 AND alias = $2', [
    stateMachine,
    alias,
  ]);
  for (const [position, route] of routes.entries()) {
    await db.query(
      `INSERT INTO state_machine_alias_routes (state_machine, alias, position, version_number, weight) VALUES ($1, $2, $3, $4, $5)`,
      [stateMachine, alias, position, route.versionNumber, route.weight],
    );
  }
}

/** Creates an alias; undefined when the name is taken. Call inside a transaction. */
export async function insertAlias(
  db: Queryable,
  input: { stateMachine: string; name: string; description?: string; routes: AliasRoute[] },
): Promise<AliasRow | undefined> {
  const { rowCount } = await db.query(
    `INSERT INTO state_machine_aliases (state_machine, name, description) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [input.stateMachine, input.name, input.description ?? null],
  );
  if (!rowCount) return undefined;
  await putRoutes(db, input.stateMachine, input.name, input.routes);
  return findAlias(db, input.stateMachine, input.name);
}

/** Changes an alias's description and/or routes (undefined keeps them); undefined when it does not exist. Call inside a transaction. */
export async function updateAlias(
  db: Queryable,
  stateMachine: string,
  name: string,
  change: { description?: string; routes?: AliasRoute[] },
): Promise<AliasRow | undefined> {
  const { rowCount } = await db.query(
    `UPDATE state_machine_aliases SET description = CASE WHEN $3 THEN $4 ELSE description END, updated_at = now()
      WHERE state_machine = $1 AND name = $2`,
    [stateMachine, name, change.description !== undefined, change.description ?? null],
  );
  if (!rowCount) return undefined;
  if (change.routes) await putRoutes(db, stateMachine, name, change.routes);
  return findAlias(db, stateMachine, name);
}

/** One alias. */
export async function findAlias(db: Queryable, stateMachine: string, name: string): Promise<AliasRow | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE a.state_machine = $1 AND a.name = $2`, [stateMachine, name]);
  return rows[0];
}

/** Aliases of a machine by name after `afterName` (keyset pagination), optionally only those routing to a version. */
export async function listAliases(
  db: Queryable,
  stateMachine: string,
  options: { limit: number; afterName?: string; versionNumber?: number },
): Promise<AliasRow[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE a.state_machine = $1 AND ($3::text IS NULL OR a.name > $3)
        AND ($4::integer IS NULL OR EXISTS (SELECT 1 FROM state_machine_alias_routes r
              WHERE r.state_machine = a.state_machine AND r.alias = a.name AND r.version_number = $4))
      ORDER BY a.name LIMIT $2`,
    [stateMachine, options.limit, options.afterName ?? null, options.versionNumber ?? null],
  );
  return rows;
}

/** Deletes an alias (its routes go with it); true when it existed. */
export async function deleteAlias(db: Queryable, stateMachine: string, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM state_machine_aliases WHERE state_machine = $1 AND name = $2', [
    stateMachine,
    name,
  ]);
  return (rowCount ?? 0) > 0;
}
