import { randomBytes } from 'node:crypto';
import { type z } from 'zod';
import type { CreateWebhookRequestSchema, WebhookResponseSchema } from '../../schemas/api/triggers';
import { masterKeyOf } from '../service/api-keys';
import { DomainError } from '../service/errors';
import { MAX_JSON_DEPTH } from '../api/json-limits';
import { sealSecret, unsealSecret } from '../service/key-secrets';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listWebhooks,
  rotateWebhookSecret,
  type WebhookRow,
} from '../db/trigger-webhooks-repo';
import type { ServiceDeps } from '../service/deps';
import { getStateMachine } from '../service/state-machines';
import { bodyInput, dedupDigest, startOnce } from './start-once';
import { verifyWebhookSignature } from './webhook-signature';

type WebhookResponse = z.infer<typeof WebhookResponseSchema>;

/** A delivery id: 1–200 visible ASCII characters. */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

/** The sealing context of a hook's secret: bound to its id, so a sealed value moved to another row does not open. */
const sealingId = (id: string) => `webhook ${id}`;

function toResponse(row: WebhookRow, secret?: string): WebhookResponse {
  return {
    id: row.id,
    name: row.name,
    stateMachine: row.stateMachine,
    ...(row.version !== null ? { version: row.version } : {}),
    ...(row.alias !== null ? { alias: row.alias } : {}),
    url: `/v1/hooks/${row.id}`,
    createdAt: row.createdAt.toISOString(),
    ...(row.rotatedAt ? { rotatedAt: row.rotatedAt.toISOString() } : {}),
    ...(secret ? { secret } : {}),
  };
}

/** Creates a hook with a fresh 256-bit secret, returned this once and kept only sealed. */
export async function createWebhook(
  deps: ServiceDeps,
  request: z.infer<typeof CreateWebhookRequestSchema>,
): Promise<WebhookResponse> {
  await getStateMachine(deps, request.stateMachine);
  const id = `wh${randomBytes(8).toString('hex')}`;
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await insertWebhook(deps.pool, {
    id,
    name: request.name,
    stateMachine: request.stateMachine,
    version: request.version ?? null,
    alias: request.alias ?? null,
    secretSealed: sealSecret(masterKeyOf(deps.config), sealingId(id), secret),
  });
  deps.log.info({ webhook: id, stateMachine: request.stateMachine }, 'webhook created');
  return toResponse(row, secret);
}

export async function listWebhookPage(
  deps: ServiceDeps,
  limit: number,
  after?: string,
): Promise<{ webhooks: WebhookResponse[]; next?: string }> {
  const rows = await listWebhooks(deps.pool, limit + 1, after);
  const page = rows.slice(0, limit);
  return { webhooks: page.map((row) => toResponse(row)), ...(rows.length > limit ? { next: page.at(-1)?.id } : {}) };
}

export async function describeWebhook(deps: ServiceDeps, id: string): Promise<WebhookResponse> {
  const row = await findWebhook(deps.pool, id);
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Webhook '${id}' does not exist`);
  return toResponse(row);
}

/** Replaces a hook's secret at once (the old one stops working); the new one is returned this once. */
export async function rotateWebhook(deps: ServiceDeps, id: string): Promise<WebhookResponse> {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await rotateWebhookSecret(deps.pool, id, sealSecret(masterKeyOf(deps.config), sealingId(id), secret));
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Webhook '${id}' does not exist`);
  deps.log.info({ webhook: id }, 'webhook secret rotated');
  return toResponse(row, secret);
}

export async function removeWebhook(deps: ServiceDeps, id: string): Promise<void> {
  if (!(await deleteWebhook(deps.pool, id)))
    throw new DomainError('RESOURCE_NOT_FOUND', `Webhook '${id}' does not exist`);
  deps.log.info({ webhook: id }, 'webhook deleted');
}

/** A delivery as it arrived: the raw body (the signature covers its bytes) and the two headers. */
export interface Delivery {
  body: Buffer;
  signature: string | undefined;
  deliveryId: string | undefined;
}

/**
 * Accepts a delivery to hook `id`: the signature is checked against the hook's secret and a
 * timestamp no older than `STEPFLOW_WEBHOOK_TOLERANCE_SECONDS`; the body (JSON, or empty for `{}`)
 * becomes the execution's input. The execution's name derives from the delivery id (or, without
 * one, from the signature): a repeated delivery returns the first one's execution.
 */
export async function acceptDelivery(
  deps: ServiceDeps,
  id: string,
  delivery: Delivery,
  nowSeconds: number,
): Promise<{ execution: Awaited<ReturnType<typeof startOnce>>['execution']; created: boolean }> {
  const row = await findWebhook(deps.pool, id);
  // Unknown hook and bad signature answer alike, so ids cannot be probed without a secret.
  const secret = row ? unsealSecret(masterKeyOf(deps.config), sealingId(row.id), row.secretSealed) : undefined;
  if (!row || secret === undefined) throw new DomainError('INVALID_SIGNATURE', 'The signature does not verify');
  const verdict = verifyWebhookSignature(
    delivery.signature,
    secret,
    delivery.body,
    nowSeconds,
    deps.config.STEPFLOW_WEBHOOK_TOLERANCE_SECONDS,
  );
  if (verdict !== 'ok') {
    deps.log.warn({ webhook: id, verdict }, 'webhook delivery refused');
    const messages = {
      missing: 'The Stepflow-Signature header is missing',
      malformed: "The Stepflow-Signature header must be 't=<unix seconds>,v1=<hex HMAC-SHA256>'",
      expired: 'The signature timestamp is too old (or in the future)',
      mismatch: 'The signature does not verify',
    } as const;
    throw new DomainError('INVALID_SIGNATURE', messages[verdict]);
  }
  if (delivery.deliveryId !== undefined && !DELIVERY_ID.test(delivery.deliveryId)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'The Stepflow-Delivery-Id header must be 1-200 visible ASCII characters',
    );
  }
  const input = bodyInput(delivery.body.toString('utf8'), {
    tooDeep: `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    notJson: 'The request body is not JSON',
  });
  const key = delivery.deliveryId ?? `signature ${delivery.signature as string}`;
  return startOnce(deps, row, `${row.id}-${dedupDigest(key)}`, input);
}
