import { createHash } from 'node:crypto';
import type { CreateStateMachineRequest, StateMachineResponse } from '../../schemas/api/state-machines';
import { ApiError } from '../api/errors';
import { compilePlan } from '../core/compile';
import { parseDefinition } from '../core/validate';
import { stateMachineArn } from '../core/arn';
import { withTransaction } from '../db/pool';
import { findVersion, putVersion, type StateMachineVersionRow } from '../db/state-machines-repo';
import type { ServiceDeps } from './deps';

/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The API view of a stored version. */
export function toStateMachineResponse(row: StateMachineVersionRow): StateMachineResponse {
  return {
    name: row.name,
    type: row.type,
    version: row.version,
    definitionHash: row.definitionHash,
    definition: row.definition,
    createdAt: row.createdAt.toISOString(),
    versionCreatedAt: row.versionCreatedAt.toISOString(),
  };
}

/**
 * Validates a definition (every problem at once, with JSON pointers), compiles it and stores it
 * as the newest immutable version of the machine; an identical definition reuses its version.
 */
export async function createStateMachine(
  deps: ServiceDeps,
  request: CreateStateMachineRequest & { roleArn?: string },
  options: { onChangedDefinition: 'new-version' | 'conflict' } = { onChangedDefinition: 'new-version' },
): Promise<{ stateMachine: StateMachineResponse; created: boolean }> {
  const { definition, problems } = parseDefinition(request.definition);
  if (!definition || problems.length > 0) {
    throw new ApiError('INVALID_DEFINITION', `The definition has ${problems.length} problem(s)`, problems);
  }
  const plan = compilePlan(definition);
  const definitionHash = createHash('sha256').update(canonicalJson(definition)).digest('hex');
  const { row, created } = await withTransaction(deps.pool, async (client) => {
    if (options.onChangedDefinition === 'conflict') {
      const current = await findVersion(client, request.name);
      if (current && (current.definitionHash !== definitionHash || current.type !== request.type)) {
        throw new ApiError('STATE_MACHINE_ALREADY_EXISTS', `State Machine Already Exists: '${stateMachineArn(request.name)}'`);
      }
    }
    return putVersion(client, { name: request.name, type: request.type, definition, definitionHash, plan, roleArn: request.roleArn });
  });
  deps.log.info({ stateMachine: row.name, version: row.version, created }, 'state machine stored');
  return { stateMachine: toStateMachineResponse(row), created };
}

/** The latest version of a state machine. */
export async function describeStateMachine(deps: ServiceDeps, name: string): Promise<StateMachineResponse> {
  const row = await findVersion(deps.pool, name);
  if (!row) throw new ApiError('STATE_MACHINE_NOT_FOUND', `State machine '${name}' does not exist`);
  return toStateMachineResponse(row);
}
