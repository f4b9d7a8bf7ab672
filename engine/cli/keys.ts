import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import { createApiKey, masterKeyOf, sealPlaintextSecrets } from '../service/api-keys';
import { sealedBy, type MasterKey } from '../service/key-secrets';
import {
  countActiveApiKeys,
  disableAuth,
  isAuthEnabled,
  listApiKeys,
  revokeApiKey,
  SCOPES,
  type Scope,
} from '../db/api-keys-repo';
import { createPool } from '../db/pool';
import type { Io } from './client-commands';
import { prepareDatabase } from '../app';
import type { Logger } from '../logger';

/** Runs `work` on a pool of the migrated database whose plaintext secrets (pre-013) are sealed. */
async function withKeyStore(
  config: Config,
  log: Logger,
  work: (pool: Pool, master: MasterKey) => Promise<number>,
): Promise<number> {
  await prepareDatabase(config, log);
  const pool = createPool(config.DATABASE_URL, log);
  try {
    const master = masterKeyOf(config);
    await sealPlaintextSecrets(pool, master, log);
    return await work(pool, master);
  } finally {
    await pool.end();
  }
}

/**
 * `stepflow keys create|list|revoke`: API key management, run by an operator against the
 * database (DATABASE_URL). Creating the first key turns authentication on; revoking keys never
 * turns it off (see `stepflow auth`).
 */
export async function runKeysCommand(argv: string[], config: Config, io: Io, log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string', default: 'read,execute' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!['create', 'list', 'revoke'].includes(positionals[0] ?? '')) {
    io.err('usage: stepflow keys create|list|revoke');
    return 2;
  }
  return withKeyStore(config, log, async (pool, master) => {
    switch (positionals[0]) {
      case 'create': {
        const scopes = (values.scopes as string)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (!values.name || unknown.length > 0 || scopes.length === 0) {
          io.err(
            `usage: stepflow keys create --name <name> --scopes ${SCOPES.join(',')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
          );
          return 2;
        }
        const others = (await listApiKeys(pool)).filter(
          (k) => !k.revokedAt && k.secretSealed && sealedBy(k.secretSealed) !== master.id,
        );
        if (others.length > 0) {
          io.err(
            `warning: active keys ${others.map((k) => k.id).join(', ')} were sealed under another master key than this one (${master.source}); ` +
              'the API verifies SigV4 only for keys sealed with its own: give the API and this command the same STEPFLOW_MASTER_KEY',
          );
        }
        const { row: key, secret } = await createApiKey(pool, master, { name: values.name, scopes: scopes as Scope[] });
        const out = { id: key.id, secret, name: key.name, scopes: key.scopes, bearer: `${key.id}.${secret}` };
        io.out(
          values.json
            ? JSON.stringify(out, null, 2)
            : [
                `key ${key.id} (${key.name}) scopes ${key.scopes.join(',')}`,
                `  REST:    Authorization: Bearer ${out.bearer}`,
                `  AWS SDK: accessKeyId ${key.id}, secretAccessKey ${secret}`,
                'The secret is shown once (only its hash is stored); store it now.',
              ].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(pool);
        const view = keys.map((k) => ({
          id: k.id,
          name: k.name,
          scopes: k.scopes,
          createdAt: k.createdAt,
          revokedAt: k.revokedAt,
        }));
        const enabled = await isAuthEnabled(pool);
        io.out(
          values.json
            ? JSON.stringify(view, null, 2)
            : view
                .map((k) => `${k.id}  ${k.name}  ${k.scopes.join(',')}${k.revokedAt ? '  revoked' : ''}`)
                .join('\n') ||
                (enabled
                  ? '(no keys; authentication is on: nothing passes until one is created)'
                  : '(no keys: the API is open on loopback only)'),
        );
        return 0;
      }
      default: {
        if (!positionals[1]) {
          io.err('usage: stepflow keys revoke <key id>');
          return 2;
        }
        const revoked = await revokeApiKey(pool, positionals[1]);
        io.out(revoked ? `revoked ${positionals[1]}` : `no active key ${positionals[1]}`);
        return revoked ? 0 : 1;
      }
    }
  });
}

/**
 * `stepflow auth status|disable`: whether the API requires keys. Authentication turns on with
 * the first key and stays on; `disable` is the operator's explicit way back to an open API
 * (loopback only), allowed once no key is active.
 */
export async function runAuthCommand(argv: string[], config: Config, io: Io, log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (!['status', 'disable'].includes(positionals[0] ?? '')) {
    io.err('usage: stepflow auth status|disable');
    return 2;
  }
  return withKeyStore(config, log, async (pool, master) => {
    if (positionals[0] === 'disable') {
      const active = await disableAuth(pool);
      if (active > 0) {
        io.err(
          `authentication stays on: ${active} active key(s); revoke them first (stepflow keys list, stepflow keys revoke <id>)`,
        );
        return 1;
      }
      io.out('authentication is off: the API is open, and listens on loopback addresses only');
      return 0;
    }
    const status = {
      authentication: (await isAuthEnabled(pool)) ? 'on' : 'off',
      activeKeys: await countActiveApiKeys(pool),
      masterKey: master.id,
      masterKeySource: master.source,
    };
    io.out(
      values.json
        ? JSON.stringify(status, null, 2)
        : `authentication ${status.authentication}; ${status.activeKeys} active key(s); master key ${status.masterKey} (${status.masterKeySource})`,
    );
    return 0;
  });
}
