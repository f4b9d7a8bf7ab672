import type { Pool } from 'pg';
import { signTaskToken, taskTokenSecret } from '../engine/service/task-tokens';

/** Signs the workflow's token of a state entry of `executionId`. */
export type TokenSigner = (executionId: string, nonce: string) => Promise<string>;

/** A signer whose key (`STEPFLOW_TOKEN_SECRET`, else the database's generated one) is loaded once per process. */
export function tokenSigner(pool: Pool, configured?: string): TokenSigner {
  let secret: Promise<string> | undefined;
  return async (executionId, nonce) => {
    secret ??= taskTokenSecret(pool, configured).catch((err) => {
      secret = undefined;
      throw err;
    });
    return signTaskToken(await secret, { executionId, nonce });
  };
}
