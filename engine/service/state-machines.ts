import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { CreateStateMachineRequest, StateMachineResponse } from '../../schemas/api/state-machines';
import { DomainError } from './errors';
import { compilePlan } from '../core/compile';
import { stateMachineArn } from '../core/arn';
import { withTransaction } from '../db/pool';
import { publishCurrentRevision, type PublishedVersionRow } from '../db/published-versions-repo';
import {
  deleteStateMachine as deleteMachineRows,
  findVersion,
  listStateMachines as listMachineRows,
  putVersion,
  type StateMachineVersionRow,
} from '../db/state-machines-repo';
import { putTags, type Tag } from '../db/tags-repo';
import { checkDefinition, type CheckedDefinition, type StateMachineType } from './definitions';
import type { ServiceDeps } from './deps';
import { checkTagLimit } from './tags';

export type { StateMachineVersionRow };

/** The API view of a stored version. */
export function toStateMachineResponse(row: StateMachineVersionRow): StateMachineResponse {
  return {
    name: row.name,
    type: row.type,
    version: row.version,
    definitionHash: row.definitionHash,
    definition: row.definition,
    revisionId: row.revisionId,
    createdAt: row.createdAt.toISOString(),
    versionCreatedAt: row.versionCreatedAt.toISOString(),
  };
}

/** What the Step Functions protocol adds to a submission. */
export interface SubmitOptions {
  /** `conflict`: CreateStateMachine — an existing machine with another definition, type or logging is `STATE_MACHINE_ALREADY_EXISTS`. */
  onChangedDefinition: 'new-version' | 'conflict';
  /** `publish`: publish the resulting revision as a version (idempotent per revision). */
  publish?: boolean;
  /** `versionDescription`: only with `publish`. */
  versionDescription?: string;
  /** Tags of a newly created machine (ignored when the machine exists, as Step Functions does). */
  tags?: Tag[];
}

/** Same definition text when both are known, else the same definition (hash). */
function sameDefinition(current: StateMachineVersionRow, text: string | undefined, hash: string): boolean {
  return current.definitionText !== null && text !== undefined
    ? current.definitionText === text
    : current.definitionHash === hash;
}

/**
 * Validates a definition (every problem at once, with JSON pointers), compiles it and stores it
 * as the current version of the machine; an identical definition reuses its stored version. With
 * `publish`, the resulting revision is published as a numbered version.
 */
export async function createStateMachine(
  deps: ServiceDeps,
  request: CreateStateMachineRequest & { roleArn?: string; loggingConfiguration?: Record<string, unknown> },
  options: SubmitOptions = { onChangedDefinition: 'new-version' },
): Promise<{ stateMachine: StateMachineResponse; created: boolean; published?: PublishedVersionRow }> {
  if (options.versionDescription !== undefined && !options.publish) {
    throw new DomainError('VALIDATION_FAILED', 'Version description can only be set when publish is true');
  }
  if (options.tags) checkTagLimit(options.tags, [], request.name);
  const { definition, problems } = checkDefinition(request.definition, request.type);
  if (!definition || problems.length > 0) {
    throw new DomainError('INVALID_DEFINITION', `The definition has ${problems.length} problem(s)`, problems);
  }
  const plan = compilePlan(definition);
  const definitionHash = createHash('sha256').update(canonicalJson(definition)).digest('hex');
  const definitionText = typeof request.definition === 'string' ? request.definition : undefined;
  const { row, created, published } = await withTransaction(deps.pool, async (client) => {
    let stored: { row: StateMachineVersionRow; created: boolean } | undefined;
    if (options.onChangedDefinition === 'conflict') {
      const current = await findVersion(client, request.name);
      const logging = request.loggingConfiguration === undefined ? null : JSON.stringify(request.loggingConfiguration);
      if (current) {
        const sameLogging =
          (current.loggingConfiguration === null ? null : JSON.stringify(current.loggingConfiguration)) === logging;
        if (!sameDefinition(current, definitionText, definitionHash) || current.type !== request.type || !sameLogging) {
          throw new DomainError(
            'STATE_MACHINE_ALREADY_EXISTS',
            `State Machine Already Exists: '${stateMachineArn(request.name)}'`,
          );
        }
        // Idempotent: a different roleArn or tags are ignored, as Step Functions does.
        stored = { row: current, created: false };
      } else if (options.tags) {
        await putTags(client, 'stateMachine', request.name, options.tags);
      }
    }
    stored ??= await putVersion(client, {
      name: request.name,
      type: request.type,
      definition,
      definitionHash,
      plan,
      roleArn: request.roleArn,
      definitionText,
      loggingConfiguration: request.loggingConfiguration,
    });
    const publishedVersion = options.publish
      ? (await publishCurrentRevision(client, request.name, options.versionDescription))?.row
      : undefined;
    return { ...stored, published: publishedVersion };
  });
  deps.log.info(
    { stateMachine: row.name, version: row.version, created, published: published?.versionNumber },
    'state machine stored',
  );
  return { stateMachine: toStateMachineResponse(row), created, ...(published ? { published } : {}) };
}

/** ValidateStateMachineDefinition: every problem of a definition for a machine of `type`. */
export function validateStateMachineDefinition(definition: string, type: StateMachineType): CheckedDefinition {
  return checkDefinition(definition, type);
}

/** The latest version of a state machine (not deleted), or a given version; undefined if there is none. */
export function findStateMachine(
  deps: ServiceDeps,
  name: string,
  version?: number,
): Promise<StateMachineVersionRow | undefined> {
  return findVersion(deps.pool, name, version);
}

/** The latest version of a state machine, or a given one; `STATE_MACHINE_NOT_FOUND` otherwise. */
export async function getStateMachine(
  deps: ServiceDeps,
  name: string,
  version?: number,
): Promise<StateMachineVersionRow> {
  const row = await findVersion(deps.pool, name, version);
  if (!row) throw new DomainError('STATE_MACHINE_NOT_FOUND', `State machine '${name}' does not exist`);
  return row;
}

/** The latest version of a state machine. */
export async function describeStateMachine(deps: ServiceDeps, name: string): Promise<StateMachineResponse> {
  return toStateMachineResponse(await getStateMachine(deps, name));
}

/** DeleteStateMachine: soft, with its aliases, versions and tags; deleting an absent machine succeeds. */
export async function deleteStateMachine(deps: ServiceDeps, name: string): Promise<void> {
  if (await withTransaction(deps.pool, (client) => deleteMachineRows(client, name))) {
    deps.log.info({ stateMachine: name }, 'state machine deleted');
  }
}

/** State machines by name, a page of `limit` after `afterName`; `next` is the name to continue after. */
export async function listStateMachines(
  deps: ServiceDeps,
  limit: number,
  afterName?: string,
): Promise<{ stateMachines: StateMachineVersionRow[]; next?: string }> {
  const rows = await listMachineRows(deps.pool, limit + 1, afterName);
  const page = rows.slice(0, limit);
  return { stateMachines: page, ...(rows.length > limit ? { next: page[page.length - 1].name } : {}) };
}
