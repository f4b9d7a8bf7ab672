import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { CreateNotificationTargetRequest, NotificationTargetResponse } from '../../schemas/api/notifications';
import { sealSecret, type MasterKey } from '../service/key-secrets';
import { insertTarget, replaceTargetSecret, type TargetRow } from './targets-repo';

/** The id a target's secret is sealed for (so a sealed secret moved to another row does not open). */
export function secretKeyId(targetId: string): string {
  return `notification-target:${targetId}`;
}

/** A fresh signing secret: 32 random bytes, base64url. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A URL with its password replaced by `***` (targets are readable with the `read` scope). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@\s]*):[^@/\s]*@/i, '$1:***@');
}

/** The API's view of a target; `secret` only when it was just made. */
export function targetView(row: TargetRow, secret?: string): NotificationTargetResponse {
  return {
    name: row.name,
    type: row.type,
    url: redactUrl(row.url),
    ...(row.type === 'nats' && row.subject !== null ? { subject: row.subject } : {}),
    ...(row.type === 'rabbitmq' ? { exchange: row.exchange ?? '', routingKey: row.subject ?? '' } : {}),
    stateMachines: row.stateMachines,
    statuses: row.statuses as NotificationTargetResponse['statuses'],
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    pending: Number(row.pending),
    deliveredCount: Number(row.deliveredCount),
    ...(row.lastDeliveredAt ? { lastDeliveredAt: row.lastDeliveredAt.toISOString() } : {}),
    ...(row.lastError !== null ? { lastError: row.lastError } : {}),
    ...(row.lastErrorAt ? { lastErrorAt: row.lastErrorAt.toISOString() } : {}),
    ...(secret !== undefined ? { secret } : {}),
  };
}

/**
 * Creates a target with a new signing secret (returned once, stored sealed under the master key).
 * Undefined when the name is taken. Status changes from now on are delivered to it.
 */
export async function createTarget(
  pool: Pool,
  master: MasterKey,
  request: CreateNotificationTargetRequest,
): Promise<{ row: TargetRow; secret: string } | undefined> {
  const id = `nt-${randomBytes(8).toString('hex')}`;
  const secret = newSecret();
  const row = await insertTarget(pool, {
    id,
    name: request.name,
    type: request.type,
    url: request.url,
    subject: request.type === 'nats' ? request.subject : request.type === 'rabbitmq' ? request.routingKey : null,
    exchange: request.type === 'rabbitmq' ? request.exchange : null,
    stateMachines: [...new Set(request.stateMachines ?? [])],
    statuses: [...new Set(request.statuses ?? [])],
    secretSealed: sealSecret(master, secretKeyId(id), secret),
    enabled: request.enabled ?? true,
  });
  return row ? { row, secret } : undefined;
}

/** Gives a target a new signing secret (returned once); deliveries from now on are signed with it. */
export async function rotateTargetSecret(pool: Pool, master: MasterKey, row: TargetRow): Promise<string | undefined> {
  const secret = newSecret();
  const done = await replaceTargetSecret(pool, row.name, sealSecret(master, secretKeyId(row.id), secret));
  return done ? secret : undefined;
}
