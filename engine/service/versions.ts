import { DomainError } from './errors';
import { listAliases } from '../db/aliases-repo';
import { withTransaction } from '../db/pool';
import {
  deletePublishedVersion,
  findPublishedVersion,
  listPublishedVersions,
  publishCurrentRevision,
  type PublishedVersionRow,
} from '../db/published-versions-repo';
import { findVersion } from '../db/state-machines-repo';
import type { ServiceDeps } from './deps';

export type { PublishedVersionRow };

/** `STATE_MACHINE_NOT_FOUND` unless the machine exists (`label` names it in the message). */
async function ensureMachine(deps: ServiceDeps, name: string, label: string): Promise<void> {
  if (!(await findVersion(deps.pool, name)))
    throw new DomainError('STATE_MACHINE_NOT_FOUND', `State Machine Does Not Exist: '${label}'`);
}

/**
 * PublishStateMachineVersion: publishes the machine's current revision as version n+1 (numbers are
 * never reused), or returns the version that revision already has. With `revisionId`, a machine
 * whose current revision differs is a `CONFLICT` (it changed since the caller read it).
 */
export async function publishVersion(
  deps: ServiceDeps,
  name: string,
  request: { description?: string; revisionId?: string },
  label = name,
): Promise<{ version: PublishedVersionRow; created: boolean }> {
  const result = await withTransaction(deps.pool, async (client) => {
    const published = await publishCurrentRevision(client, name, request.description);
    if (!published) throw new DomainError('STATE_MACHINE_NOT_FOUND', `State Machine Does Not Exist: '${label}'`);
    if (request.revisionId !== undefined && request.revisionId !== published.currentRevisionId) {
      throw new DomainError(
        'CONFLICT',
        `Failed to publish the State Machine version for revision ${request.revisionId}. The current State Machine revision is ${published.currentRevisionId}.`,
      );
    }
    return published;
  });
  if (result.created)
    deps.log.info({ stateMachine: name, version: result.row.versionNumber }, 'state machine version published');
  return { version: result.row, created: result.created };
}

/** One published version; `STATE_MACHINE_NOT_FOUND` (message naming `label`) otherwise. */
export async function describeVersion(
  deps: ServiceDeps,
  name: string,
  versionNumber: number,
  label: string,
): Promise<PublishedVersionRow> {
  const row = await findPublishedVersion(deps.pool, name, versionNumber);
  if (!row) throw new DomainError('STATE_MACHINE_NOT_FOUND', `State Machine Does Not Exist: '${label}'`);
  return row;
}

/** Published versions, newest first, a page of `limit` below version `before`; `next` continues. */
export async function listVersions(
  deps: ServiceDeps,
  name: string,
  page: { limit: number; before?: number },
  label = name,
): Promise<{ versions: PublishedVersionRow[]; next?: number }> {
  await ensureMachine(deps, name, label);
  const rows = await listPublishedVersions(deps.pool, name, page.limit + 1, page.before);
  const versions = rows.slice(0, page.limit);
  return { versions, ...(rows.length > page.limit ? { next: versions[versions.length - 1].versionNumber } : {}) };
}

/**
 * DeleteStateMachineVersion: refused with `CONFLICT` while an alias routes to the version;
 * deleting an absent version succeeds (idempotent). Executions of it stay readable.
 */
export async function deleteVersion(deps: ServiceDeps, name: string, versionNumber: number): Promise<void> {
  const deleted = await withTransaction(deps.pool, async (client) => {
    // Lock the machine so no alias starts routing to the version between the check and the delete.
    await client.query('SELECT 1 FROM state_machines WHERE name = $1 FOR UPDATE', [name]);
    const aliases = await listAliases(client, name, { limit: 1000, versionNumber });
    if (aliases.length > 0) {
      throw new DomainError(
        'CONFLICT',
        `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${aliases.map((a) => a.name).join(', ')}]`,
      );
    }
    return deletePublishedVersion(client, name, versionNumber);
  });
  if (deleted) deps.log.info({ stateMachine: name, version: versionNumber }, 'state machine version deleted');
}
