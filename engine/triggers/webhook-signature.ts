import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = 'stepflow-signature';
/** Header naming a delivery: the same id again starts nothing new. */
export const DELIVERY_HEADER = 'stepflow-delivery-id';
/** How far a signature's timestamp may be from now (either way) by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The signature of `body` sent at `timestamp` (unix seconds) under `secret`, as the header carries it. */
export function signWebhook(secret: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Why a signature was refused (`ok` when it was accepted). */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'expired' | 'mismatch';

/**
 * Checks a `Stepflow-Signature` header: the timestamp within `toleranceSeconds` of `nowSeconds`
 * (an old delivery cannot be replayed later), and one of its `v1=` MACs equal, in constant time,
 * to HMAC-SHA256(secret, "<t>." + raw body).
 */
export function verifyWebhookSignature(
  header: string | undefined,
  secret: string,
  body: Buffer,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureVerdict {
  if (!header) return 'missing';
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  const macs = parts.filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, v]) => v);
  if (!t || !/^\d{1,12}$/.test(t) || macs.length === 0) return 'malformed';
  const timestamp = Number(t);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return 'expired';
  const expected = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
  const match = macs.some((mac) => timingSafeEqual(Buffer.from(mac as string, 'hex'), expected));
  return match ? 'ok' : 'mismatch';
}
