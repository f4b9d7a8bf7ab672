import type { z } from 'zod';
import type { CreateQueueTriggerRequest, QueueTriggerResponseSchema } from '../../schemas/api/triggers';
import { masterKeyOf } from '../service/api-keys';
import { DomainError } from '../service/errors';
import { sealSecret, unsealSecret } from '../service/key-secrets';
import { getStateMachine } from '../service/state-machines';
import {
  deleteQueueTrigger,
  findQueueTrigger,
  insertQueueTrigger,
  listQueueTriggers,
  type QueueTriggerRow,
} from '../db/trigger-queues-repo';
import type { ServiceDeps } from '../service/deps';
import type { Config } from '../../schemas/config';

type QueueTriggerResponse = z.infer<typeof QueueTriggerResponseSchema>;

/** The sealing context of a trigger's broker URL. */
const sealingId = (name: string) => `queue trigger ${name}`;

/** The URL without its password (what the API shows). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/** The broker URL of a stored trigger, unsealed (undefined when sealed under another master key). */
export function brokerUrl(config: Config, row: QueueTriggerRow): string | undefined {
  return unsealSecret(masterKeyOf(config), sealingId(row.name), row.urlSealed);
}

function toResponse(row: QueueTriggerRow): QueueTriggerResponse {
  return {
    name: row.name,
    kind: row.kind,
    url: row.urlRedacted,
    source: row.source,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    deadLetter: row.deadLetter,
    stateMachine: row.stateMachine,
    ...(row.version !== null ? { version: row.version } : {}),
    ...(row.alias !== null ? { alias: row.alias } : {}),
    maxInFlight: row.maxInFlight,
    maxAttempts: row.maxAttempts,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Configures a queue trigger; the consumer process (`stepflow triggers`) picks it up on its next reload. */
export async function createQueueTrigger(
  deps: ServiceDeps,
  request: CreateQueueTriggerRequest,
): Promise<QueueTriggerResponse> {
  await getStateMachine(deps, request.stateMachine);
  const row = await insertQueueTrigger(deps.pool, {
    name: request.name,
    kind: request.kind,
    urlSealed: sealSecret(masterKeyOf(deps.config), sealingId(request.name), request.url),
    urlRedacted: redactUrl(request.url),
    source: request.source,
    subject: request.subject ?? null,
    deadLetter: request.deadLetter,
    stateMachine: request.stateMachine,
    version: request.version ?? null,
    alias: request.alias ?? null,
    maxInFlight: request.maxInFlight,
    maxAttempts: request.maxAttempts,
  });
  if (!row) throw new DomainError('CONFLICT', `Queue trigger '${request.name}' already exists`);
  deps.log.info({ queueTrigger: row.name, kind: row.kind, source: row.source }, 'queue trigger created');
  return toResponse(row);
}

export async function listQueueTriggerPage(
  deps: ServiceDeps,
  limit: number,
  after?: string,
): Promise<{ queueTriggers: QueueTriggerResponse[]; next?: string }> {
  const rows = await listQueueTriggers(deps.pool, limit + 1, after);
  const page = rows.slice(0, limit);
  return { queueTriggers: page.map(toResponse), ...(rows.length > limit ? { next: page.at(-1)?.name } : {}) };
}

export async function describeQueueTrigger(deps: ServiceDeps, name: string): Promise<QueueTriggerResponse> {
  const row = await findQueueTrigger(deps.pool, name);
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Queue trigger '${name}' does not exist`);
  return toResponse(row);
}

export async function removeQueueTrigger(deps: ServiceDeps, name: string): Promise<void> {
  if (!(await deleteQueueTrigger(deps.pool, name))) {
    throw new DomainError('RESOURCE_NOT_FOUND', `Queue trigger '${name}' does not exist`);
  }
  deps.log.info({ queueTrigger: name }, 'queue trigger deleted');
}
