import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '../../schemas/config';
import { insertApiKey, listApiKeys, revokeApiKey, SCOPES, type Scope } from '../db/api-keys-repo';
import { createPool } from '../db/pool';
import type { Io } from './client-commands';
import { prepareDatabase } from './services';
import type { Logger } from '../logger';

/**
 * `stepflow keys create|list|revoke`: API key management, run by an operator against the
 * database (DATABASE_URL) — it is how the first key is made.
 */
export async function runKeysCommand(argv: string[], config: Config, io: Io, log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string', default: 'read,execute' }, json: { type: 'boolean', default: false } },
  });
  await prepareDatabase(config, log);
  const pool = createPool(config.DATABASE_URL, log);
  try {
    switch (positionals[0]) {
      case 'create': {
        const scopes = (values.scopes as string).split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (!values.name || unknown.length > 0 || scopes.length === 0) {
          io.err(`usage: stepflow keys create --name <name> --scopes ${SCOPES.join(',')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
          return 2;
        }
        const key = await insertApiKey(pool, {
          id: `SFK${randomBytes(8).toString('hex').toUpperCase()}`,
          secret: randomBytes(24).toString('base64url'),
          name: values.name,
          scopes: scopes as Scope[],
        });
        const out = { id: key.id, secret: key.secret, name: key.name, scopes: key.scopes, bearer: `${key.id}.${key.secret}` };
        io.out(
          values.json
            ? JSON.stringify(out, null, 2)
            : [
                `key ${key.id} (${key.name}) scopes ${key.scopes.join(',')}`,
                `  REST:    Authorization: Bearer ${out.bearer}`,
                `  AWS SDK: accessKeyId ${key.id}, secretAccessKey ${key.secret}`,
                'The secret is shown once; store it now.',
              ].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(pool);
        const view = keys.map((k) => ({ id: k.id, name: k.name, scopes: k.scopes, createdAt: k.createdAt, revokedAt: k.revokedAt }));
        io.out(values.json ? JSON.stringify(view, null, 2) : view.map((k) => `${k.id}  ${k.name}  ${k.scopes.join(',')}${k.revokedAt ? '  revoked' : ''}`).join('\n') || '(no keys: the API is open on loopback only)');
        return 0;
      }
      case 'revoke': {
        if (!positionals[1]) {
          io.err('usage: stepflow keys revoke <key id>');
          return 2;
        }
        const revoked = await revokeApiKey(pool, positionals[1]);
        io.out(revoked ? `revoked ${positionals[1]}` : `no active key ${positionals[1]}`);
        return revoked ? 0 : 1;
      }
      default:
        io.err('usage: stepflow keys create|list|revoke');
        return 2;
    }
  } finally {
    await pool.end();
  }
}
