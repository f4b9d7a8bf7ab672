import { DomainError } from './errors';
import {
  deleteAlias as deleteAliasRow,
  findAlias,
  insertAlias,
  listAliases as listAliasRows,
  updateAlias as updateAliasRow,
  type AliasRoute,
  type AliasRow,
} from '../db/aliases-repo';
import { withTransaction, type PoolClient } from '../db/pool';
import { findPublishedVersion } from '../db/published-versions-repo';
import type { ServiceDeps } from './deps';

export type { AliasRoute, AliasRow };

/** Step Functions' limit: an alias routes to one or two versions. */
export const MAX_ALIAS_ROUTES = 2;
/** The weights of an alias's routes sum to this (percent). */
export const TOTAL_ALIAS_WEIGHT = 100;
const NOT_FOUND_MESSAGE = 'Request references a resource that does not exist.';

/** Checks a routing configuration: 1–2 distinct versions, weights 0–100 summing to 100. */
export function checkRoutes(routes: AliasRoute[]): void {
  if (routes.length < 1 || routes.length > MAX_ALIAS_ROUTES) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Routing configuration must contain 1 to ${MAX_ALIAS_ROUTES} state machine versions`,
    );
  }
  if (new Set(routes.map((route) => route.versionNumber)).size !== routes.length) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Routing configuration must contain distinct state machine versions. Received: [${routes.map((r) => r.versionNumber).join(', ')}]`,
    );
  }
  const sum = routes.reduce((total, route) => total + route.weight, 0);
  if (sum !== TOTAL_ALIAS_WEIGHT) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Sum of routing configuration weights must equal 100. Received: [${routes.map((r) => r.weight).join(', ')}]`,
    );
  }
}

/** Locks the machine and checks every routed version exists (`RESOURCE_NOT_FOUND` otherwise). */
async function lockAndCheckVersions(client: PoolClient, stateMachine: string, routes: AliasRoute[]): Promise<void> {
  const machine = await client.query('SELECT 1 FROM state_machines WHERE name = $1 AND deleted_at IS NULL FOR UPDATE', [
    stateMachine,
  ]);
  if (machine.rowCount === 0) throw new DomainError('RESOURCE_NOT_FOUND', NOT_FOUND_MESSAGE);
  for (const route of routes) {
    if (!(await findPublishedVersion(client, stateMachine, route.versionNumber)))
      throw new DomainError('RESOURCE_NOT_FOUND', NOT_FOUND_MESSAGE);
  }
}

function sameRoutes(a: AliasRoute[], b: AliasRoute[]): boolean {
  return (
    a.length === b.length &&
    a.every((route, i) => route.versionNumber === b[i].versionNumber && route.weight === b[i].weight)
  );
}

/**
 * CreateStateMachineAlias: idempotent on (name, description, routes); the same name with another
 * description or routing is a `CONFLICT`.
 */
export async function createAlias(
  deps: ServiceDeps,
  stateMachine: string,
  request: { name: string; description?: string; routes: AliasRoute[] },
): Promise<{ alias: AliasRow; created: boolean }> {
  checkRoutes(request.routes);
  const result = await withTransaction(deps.pool, async (client) => {
    await lockAndCheckVersions(client, stateMachine, request.routes);
    const existing = await findAlias(client, stateMachine, request.name);
    if (existing) {
      if ((existing.description ?? undefined) === request.description && sameRoutes(existing.routes, request.routes)) {
        return { alias: existing, created: false };
      }
      throw new DomainError(
        'CONFLICT',
        'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
      );
    }
    return { alias: (await insertAlias(client, { stateMachine, ...request })) as AliasRow, created: true };
  });
  if (result.created) deps.log.info({ stateMachine, alias: request.name }, 'state machine alias created');
  return result;
}

/** UpdateStateMachineAlias: a new description and/or routing configuration. */
export async function updateAlias(
  deps: ServiceDeps,
  stateMachine: string,
  name: string,
  change: { description?: string; routes?: AliasRoute[] },
): Promise<AliasRow> {
  if (change.description === undefined && change.routes === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Either the description or the routing configuration must be specified');
  }
  if (change.routes) checkRoutes(change.routes);
  const alias = await withTransaction(deps.pool, async (client) => {
    await lockAndCheckVersions(client, stateMachine, change.routes ?? []);
    const updated = await updateAliasRow(client, stateMachine, name, change);
    if (!updated) throw new DomainError('RESOURCE_NOT_FOUND', NOT_FOUND_MESSAGE);
    return updated;
  });
  deps.log.info({ stateMachine, alias: name }, 'state machine alias updated');
  return alias;
}

/** PUT of an alias: updates it when it exists, else creates it (`created` says which). */
export async function putAlias(
  deps: ServiceDeps,
  stateMachine: string,
  request: { name: string; description?: string; routes: AliasRoute[] },
): Promise<{ alias: AliasRow; created: boolean }> {
  if (await findAlias(deps.pool, stateMachine, request.name)) {
    const change = { description: request.description, routes: request.routes };
    return { alias: await updateAlias(deps, stateMachine, request.name, change), created: false };
  }
  return createAlias(deps, stateMachine, request);
}

/** One alias; `RESOURCE_NOT_FOUND` (message naming `label`) otherwise. */
export async function describeAlias(
  deps: ServiceDeps,
  stateMachine: string,
  name: string,
  label: string,
): Promise<AliasRow> {
  const alias = await findAlias(deps.pool, stateMachine, name);
  if (!alias) throw new DomainError('RESOURCE_NOT_FOUND', `Resource not found: '${label}'`);
  return alias;
}

/** Aliases by name, a page of `limit` after `after`, optionally only those routing to a version. */
export async function listAliases(
  deps: ServiceDeps,
  stateMachine: string,
  page: { limit: number; after?: string; versionNumber?: number },
): Promise<{ aliases: AliasRow[]; next?: string }> {
  const rows = await listAliasRows(deps.pool, stateMachine, {
    limit: page.limit + 1,
    afterName: page.after,
    versionNumber: page.versionNumber,
  });
  const aliases = rows.slice(0, page.limit);
  return { aliases, ...(rows.length > page.limit ? { next: aliases[aliases.length - 1].name } : {}) };
}

/** DeleteStateMachineAlias: deleting an absent alias succeeds (idempotent). */
export async function deleteAlias(deps: ServiceDeps, stateMachine: string, name: string): Promise<void> {
  if (await deleteAliasRow(deps.pool, stateMachine, name))
    deps.log.info({ stateMachine, alias: name }, 'state machine alias deleted');
}

/**
 * The version an alias starts an execution with: route i is chosen with probability weight/100.
 * `random` is in [0, 1) (injected so tests can pin the choice).
 */
export function chooseRoute(routes: AliasRoute[], random: number): number {
  let threshold = random * TOTAL_ALIAS_WEIGHT;
  for (const route of routes) {
    if (threshold < route.weight) return route.versionNumber;
    threshold -= route.weight;
  }
  return routes[routes.length - 1].versionNumber;
}
