import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * Task tokens (`$$.Task.Token`): `sf1.<payload>.<signature>`, where the payload names the
 * execution and the state entry's nonce (drawn from the workflow's replay-safe randomness) and
 * the signature is an HMAC-SHA256 with a key only Stepflow's processes know. A token cannot be
 * forged, and it is bound to the one state entry that minted it.
 */
export interface TaskTokenClaims {
  /** Execution id (`<state machine>:<name>`). */
  executionId: string;
  /** The state entry's nonce, as the workflow knows it. */
  nonce: string;
}

const PREFIX = 'sf1';
const SECRET_SETTING = 'task_token_secret';

/** Thrown for a token that is not one of ours (malformed or badly signed). */
export class InvalidTaskTokenError extends Error {
  constructor() {
    super('Invalid token');
    this.name = 'InvalidTaskTokenError';
  }
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Mints the signed token of a state entry. */
export function signTaskToken(secret: string, claims: TaskTokenClaims): string {
  const payload = Buffer.from(JSON.stringify({ e: claims.executionId, n: claims.nonce }), 'utf8').toString('base64url');
  return `${PREFIX}.${payload}.${sign(secret, payload)}`;
}

/** Verifies a token's signature and returns its claims; `InvalidTaskTokenError` otherwise. */
export function verifyTaskToken(secret: string, token: string): TaskTokenClaims {
  const [prefix, payload, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !payload || !signature || rest.length > 0) throw new InvalidTaskTokenError();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTaskTokenError();
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { e?: unknown; n?: unknown };
    if (typeof claims.e !== 'string' || typeof claims.n !== 'string') throw new InvalidTaskTokenError();
    return { executionId: claims.e, nonce: claims.n };
  } catch {
    throw new InvalidTaskTokenError();
  }
}

/**
 * The signing key: `STEPFLOW_TOKEN_SECRET` when configured, else one generated once per
 * database and shared by every API and worker process through the `settings` table.
 */
export async function taskTokenSecret(pool: Pool, configured?: string): Promise<string> {
  if (configured) return configured;
  await pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    SECRET_SETTING,
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await pool.query('SELECT value FROM settings WHERE name = $1', [SECRET_SETTING]);
  return rows[0].value as string;
}

/** Replaces every string equal to `placeholder` inside `value` (the token as the workflow knows it) by `token`. */
export function substituteToken(value: unknown, placeholder: string, token: string): unknown {
  if (value === placeholder) return token;
  if (Array.isArray(value)) return value.map((item) => substituteToken(item, placeholder, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteToken(item, placeholder, token)]),
    );
  }
  return value;
}
