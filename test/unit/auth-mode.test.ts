import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stillAuthorized } from '../../engine/api/auth';
import {
  createApiKey,
  ensureBootstrapKey,
  masterKeyOf,
  prepareAuth,
  sealPlaintextSecrets,
} from '../../engine/service/api-keys';
import { hashSecret, loadMasterKey, unsealSecret } from '../../engine/service/key-secrets';
import { runAuthCommand, runKeysCommand } from '../../engine/cli/keys';
import { disableAuth, isAuthEnabled, revokeApiKey } from '../../engine/db/api-keys-repo';
import { migrate, migrationsDir } from '../../engine/db/migrate';
import { createPool, dropDatabase, ensureDatabase } from '../../engine/db/pool';
import { createLogger } from '../../engine/logger';
import type { Config } from '../../schemas/config';
import { authApp, outcome, sigv4Headers, testConfig, throwawayDatabase } from './support/auth-harness';

const log = createLogger('silent');

/** One request through a freshly built app (no cached answer from an earlier request). */
async function once(
  config: Config,
  pool: Parameters<typeof authApp>[0],
  request: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string },
): Promise<string> {
  const api = await authApp(pool, config);
  try {
    return outcome(await api.app.inject(request));
  } finally {
    await api.close();
  }
}

describe('authentication, once on, stays on', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let config: Config;
  beforeAll(async () => {
    db = await throwawayDatabase('auth_mode');
    config = testConfig(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('runs open on loopback before the first key, and requires one from the very next request', async () => {
    const api = await authApp(db.pool, config);
    try {
      expect(outcome(await api.app.inject({ method: 'GET', url: '/v1/state-machines' }))).toBe('reached');
      expect(outcome(await api.app.inject({ method: 'POST', url: '/v1/state-machines', payload: {} }))).toBe('reached');
      expect(await isAuthEnabled(db.pool)).toBe(false);
      const { row, secret } = await createApiKey(db.pool, masterKeyOf(config), { name: 'first', scopes: ['read'] });
      expect(await isAuthEnabled(db.pool)).toBe(true);
      expect(outcome(await api.app.inject({ method: 'GET', url: '/v1/state-machines' }))).toBe('401 UNAUTHORIZED');
      expect(
        outcome(
          await api.app.inject({
            method: 'GET',
            url: '/v1/state-machines',
            headers: { authorization: `Bearer ${row.id}.${secret}` },
          }),
        ),
      ).toBe('reached');
    } finally {
      await api.close();
    }
  });

  test('revoking every key leaves the API closed', async () => {
    const { row, secret } = await createApiKey(db.pool, masterKeyOf(config), {
      name: 'second',
      scopes: ['read', 'execute', 'admin'],
    });
    for (const { id } of (await db.pool.query('SELECT id FROM api_keys WHERE revoked_at IS NULL')).rows)
      await revokeApiKey(db.pool, id);
    expect(await isAuthEnabled(db.pool)).toBe(true);
    expect(
      await once(config, db.pool, {
        method: 'POST',
        url: '/v1/state-machines',
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    ).toBe('401 UNAUTHORIZED');
    expect(
      await once(config, db.pool, {
        method: 'GET',
        url: '/v1/state-machines',
        headers: { authorization: `Bearer ${row.id}.${secret}` },
      }),
    ).toBe('401 UNAUTHORIZED');
    expect(
      await once(config, db.pool, {
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
        payload: '{}',
      }),
    ).toBe('401 MissingAuthenticationTokenException');
  });

  test('only `auth disable`, with no active key, turns it off', async () => {
    const { row } = await createApiKey(db.pool, masterKeyOf(config), { name: 'third', scopes: ['read'] });
    expect(await disableAuth(db.pool)).toBe(1);
    expect(await isAuthEnabled(db.pool)).toBe(true);
    await revokeApiKey(db.pool, row.id);
    expect(await disableAuth(db.pool)).toBe(0);
    expect(await isAuthEnabled(db.pool)).toBe(false);
    expect(await once(config, db.pool, { method: 'GET', url: '/v1/state-machines' })).toBe('reached');
  });

  test('an API on a non-loopback address never runs open, even with authentication off', async () => {
    expect(await isAuthEnabled(db.pool)).toBe(false);
    const exposed = testConfig(db.url, { HOST: '0.0.0.0' });
    expect(await once(exposed, db.pool, { method: 'GET', url: '/v1/state-machines' })).toBe('401 UNAUTHORIZED');
    expect(await once(exposed, db.pool, { method: 'GET', url: '/healthz' })).toBe('reached');
    await expect(prepareAuth(db.pool, exposed, log)).rejects.toThrow('refusing to listen on 0.0.0.0 without API keys');
  });

  test('a key inserted by plain SQL turns authentication on too', async () => {
    expect(await isAuthEnabled(db.pool)).toBe(false);
    await db.pool.query(`INSERT INTO api_keys (id, name, scopes, secret_hash) VALUES ('SFKSQL', 'sql', '{read}', $1)`, [
      hashSecret('sql-secret-0123456789'),
    ]);
    expect(await isAuthEnabled(db.pool)).toBe(true);
  });
});

describe('what a long response asks about its request', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  beforeAll(async () => {
    db = await throwawayDatabase('auth_still');
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('knows the key that authenticated a request, and whether it is still active', async () => {
    const config = testConfig(db.url);
    const api = await authApp(db.pool, config);
    try {
      await api.app.inject({ method: 'GET', url: '/v1/executions' });
      const open = api.lastReached();
      expect(await stillAuthorized(api.deps, open!)).toBe(true);

      const { row, secret } = await createApiKey(db.pool, masterKeyOf(config), { name: 'streamer', scopes: ['read'] });
      expect(await stillAuthorized(api.deps, open!)).toBe(false);
      const byBearer = await api.app.inject({
        method: 'GET',
        url: '/v1/executions',
        headers: { authorization: `Bearer ${row.id}.${secret}` },
      });
      expect(byBearer.json()).toEqual({ apiKey: row.id });
      const bearerRequest = api.lastReached();
      const signed = await sigv4Headers(
        { accessKeyId: row.id, secretAccessKey: secret },
        'AWSStepFunctions.ListExecutions',
        '{}',
      );
      expect((await api.app.inject({ method: 'POST', url: '/', headers: signed, payload: '{}' })).json()).toEqual({
        apiKey: row.id,
      });
      expect(await stillAuthorized(api.deps, bearerRequest!)).toBe(true);
      await revokeApiKey(db.pool, row.id);
      expect(await stillAuthorized(api.deps, bearerRequest!)).toBe(false);
    } finally {
      await api.close();
    }
  });
});

describe('the bootstrap key (STEPFLOW_ADMIN_KEY)', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  beforeAll(async () => {
    db = await throwawayDatabase('auth_bootstrap');
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('is registered at API start, hashed and sealed, and opens every scope on a non-loopback API', async () => {
    const secret = 'bootstrap-secret-0123456789abcdef';
    const config = testConfig(db.url, { HOST: '0.0.0.0', STEPFLOW_ADMIN_KEY: `SFKBOOT.${secret}` });
    await prepareAuth(db.pool, config, log);
    expect(await isAuthEnabled(db.pool)).toBe(true);
    const { rows } = await db.pool.query(
      'SELECT id, name, scopes, secret, secret_hash, secret_sealed, row_to_json(api_keys)::text AS whole FROM api_keys',
    );
    expect(rows).toEqual([
      {
        id: 'SFKBOOT',
        name: 'bootstrap (STEPFLOW_ADMIN_KEY)',
        scopes: ['read', 'execute', 'admin'],
        secret: null,
        secret_hash: hashSecret(secret),
        secret_sealed: expect.stringMatching(/^v1\./),
        whole: expect.not.stringContaining(secret),
      },
    ]);
    expect(unsealSecret(masterKeyOf(config), 'SFKBOOT', rows[0].secret_sealed)).toBe(secret);

    const bearer = { authorization: `Bearer SFKBOOT.${secret}`, 'content-type': 'application/json' };
    expect(
      await once(config, db.pool, { method: 'POST', url: '/v1/state-machines', headers: bearer, payload: '{}' }),
    ).toBe('reached');
    const body = '{"name":"m"}';
    const signed = await sigv4Headers(
      { accessKeyId: 'SFKBOOT', secretAccessKey: secret },
      'AWSStepFunctions.CreateStateMachine',
      body,
    );
    expect(await once(config, db.pool, { method: 'POST', url: '/', headers: signed, payload: body })).toBe('reached');
  });

  test('is idempotent, follows a changed secret, and never revives a revoked key', async () => {
    const master = masterKeyOf(testConfig(db.url));
    expect(await ensureBootstrapKey(db.pool, master, 'SFKBOOT.bootstrap-secret-0123456789abcdef', log)).toBe(
      'unchanged',
    );
    expect(await ensureBootstrapKey(db.pool, master, 'SFKBOOT.rotated-secret-0123456789abcdef', log)).toBe('replaced');
    const config = testConfig(db.url);
    expect(
      await once(config, db.pool, {
        method: 'GET',
        url: '/v1/executions',
        headers: { authorization: 'Bearer SFKBOOT.bootstrap-secret-0123456789abcdef' },
      }),
    ).toBe('401 UNAUTHORIZED');
    expect(
      await once(config, db.pool, {
        method: 'GET',
        url: '/v1/executions',
        headers: { authorization: 'Bearer SFKBOOT.rotated-secret-0123456789abcdef' },
      }),
    ).toBe('reached');
    await revokeApiKey(db.pool, 'SFKBOOT');
    expect(await ensureBootstrapKey(db.pool, master, 'SFKBOOT.rotated-secret-0123456789abcdef', log)).toBe('revoked');
    expect(
      await once(config, db.pool, {
        method: 'GET',
        url: '/v1/executions',
        headers: { authorization: 'Bearer SFKBOOT.rotated-secret-0123456789abcdef' },
      }),
    ).toBe('401 UNAUTHORIZED');
  });

  test('a malformed STEPFLOW_ADMIN_KEY stops start-up with a message naming it', () => {
    expect(() => testConfig(db.url, { STEPFLOW_ADMIN_KEY: 'no-dot-here' })).toThrow(
      /STEPFLOW_ADMIN_KEY: must be <key id>\.<secret>/,
    );
    expect(() => testConfig(db.url, { STEPFLOW_ADMIN_KEY: 'SFK.short' })).toThrow(/STEPFLOW_ADMIN_KEY/);
  });
});

describe('keys made before secrets were sealed (migration 013)', () => {
  const url = `postgres://postgres@127.0.0.1:5432/stepflow_auth_legacy_${process.pid}_${Date.now().toString(36)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-migrations-'));
  const pool = createPool(url);
  afterAll(async () => {
    await pool.end();
    await dropDatabase(url);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('are hashed by the migration, then sealed and erased, and keep working with Bearer and SigV4', async () => {
    await ensureDatabase(url);
    for (const file of fs.readdirSync(migrationsDir()).filter((f) => f < '013'))
      fs.copyFileSync(path.join(migrationsDir(), file), path.join(dir, file));
    await migrate(pool, log, dir);
    const secret = 'legacy-plaintext-secret-0123456789';
    await pool.query(
      `INSERT INTO api_keys (id, secret, name, scopes) VALUES ('SFKOLD', $1, 'old', '{read}'), ('SFKGONE', 'gone-secret-0123456789', 'gone', '{read}')`,
      [secret],
    );
    await pool.query(`UPDATE api_keys SET revoked_at = now() WHERE id = 'SFKGONE'`);

    // 013 runs first; later migrations (whatever they are) follow it.
    expect((await migrate(pool, log))[0]).toBe('013_api_key_hashes_auth_mode.sql');
    expect((await pool.query(`SELECT secret_hash FROM api_keys WHERE id = 'SFKOLD'`)).rows[0].secret_hash).toBe(
      hashSecret(secret),
    );
    expect(await isAuthEnabled(pool)).toBe(true);

    const config = testConfig(url);
    expect(await sealPlaintextSecrets(pool, masterKeyOf(config), log)).toBe(2);
    const { rows } = await pool.query(
      'SELECT id, secret, row_to_json(api_keys)::text AS whole FROM api_keys ORDER BY id',
    );
    expect(rows.map((row) => [row.id, row.secret])).toEqual([
      ['SFKGONE', null],
      ['SFKOLD', null],
    ]);
    expect(rows[1].whole).not.toContain(secret);
    expect(await sealPlaintextSecrets(pool, masterKeyOf(config), log)).toBe(0);

    expect(
      await once(config, pool, {
        method: 'GET',
        url: '/v1/executions',
        headers: { authorization: `Bearer SFKOLD.${secret}` },
      }),
    ).toBe('reached');
    const signed = await sigv4Headers(
      { accessKeyId: 'SFKOLD', secretAccessKey: secret },
      'AWSStepFunctions.ListExecutions',
      '{}',
    );
    expect(await once(config, pool, { method: 'POST', url: '/', headers: signed, payload: '{}' })).toBe('reached');
  });
});

describe('SigV4 on the wire', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let api: Awaited<ReturnType<typeof authApp>>;
  let credentials: { accessKeyId: string; secretAccessKey: string };
  beforeAll(async () => {
    db = await throwawayDatabase('auth_wire');
    const config = testConfig(db.url);
    const { row, secret } = await createApiKey(db.pool, masterKeyOf(config), { name: 'runner', scopes: ['execute'] });
    credentials = { accessKeyId: row.id, secretAccessKey: secret };
    api = await authApp(db.pool, config);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const START = 'AWSStepFunctions.StartExecution';
  const SIGNED_BODY =
    '{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:pay","input":"{\\"amount\\":100}"}';
  const SENT_BODY = SIGNED_BODY.replace('100', '999');

  test('refuses a body other than the one signed, whether or not the client sent its hash', async () => {
    expect(SENT_BODY.length).toBe(SIGNED_BODY.length);
    const send = async (headers: Record<string, string>, payload: string) =>
      outcome(await api.app.inject({ method: 'POST', url: '/', headers, payload }));
    expect(await send(await sigv4Headers(credentials, START, SIGNED_BODY), SIGNED_BODY)).toBe('reached');
    expect(await send(await sigv4Headers(credentials, START, SIGNED_BODY, { contentSha: true }), SIGNED_BODY)).toBe(
      'reached',
    );
    expect(await send(await sigv4Headers(credentials, START, SIGNED_BODY), SENT_BODY)).toBe(
      '401 InvalidSignatureException',
    );
    expect(await send(await sigv4Headers(credentials, START, SIGNED_BODY, { contentSha: true }), SENT_BODY)).toBe(
      '401 InvalidSignatureException',
    );
  });

  test('refuses a credential scope of another service or region', async () => {
    const send = async (options: { region?: string; service?: string }) =>
      outcome(
        await api.app.inject({
          method: 'POST',
          url: '/',
          headers: await sigv4Headers(credentials, START, SIGNED_BODY, options),
          payload: SIGNED_BODY,
        }),
      );
    expect(await send({ region: 'mars-1', service: 's3' })).toBe('401 InvalidSignatureException');
    expect(await send({ region: 'mars-1' })).toBe('401 InvalidSignatureException');
    expect(await send({ service: 's3' })).toBe('401 InvalidSignatureException');
    expect(await send({ region: 'eu-west-1' })).toBe('reached');
  });

  test('refuses a signed body over the size limit before reading it whole', async () => {
    const big = JSON.stringify({ input: 'x'.repeat(3 * 1024 * 1024) });
    const response = await api.app.inject({
      method: 'POST',
      url: '/',
      headers: await sigv4Headers(credentials, START, big),
      payload: big,
    });
    expect(response.statusCode).toBe(413);
  });
});

describe('stepflow keys / stepflow auth', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let config: Config;
  const run = async (command: typeof runKeysCommand, argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command(argv, config, { out: (t) => out.push(t), err: (t) => err.push(t), colour: false }, log);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  beforeAll(async () => {
    db = await throwawayDatabase('auth_cli');
    config = testConfig(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('status says on once a key exists and after it is revoked; disable needs no active key', async () => {
    expect(JSON.parse((await run(runAuthCommand, ['status', '--json'])).out)).toMatchObject({
      authentication: 'off',
      activeKeys: 0,
      masterKeySource: 'STEPFLOW_MASTER_KEY',
    });
    const created = await run(runKeysCommand, ['create', '--name', 'ops', '--scopes', 'read,admin', '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.out) as { id: string; secret: string; bearer: string; scopes: string[] };
    expect(key.scopes).toEqual(['read', 'admin']);
    expect((await db.pool.query('SELECT secret, secret_hash FROM api_keys WHERE id = $1', [key.id])).rows).toEqual([
      { secret: null, secret_hash: hashSecret(key.secret) },
    ]);
    expect(JSON.parse((await run(runAuthCommand, ['status', '--json'])).out)).toMatchObject({
      authentication: 'on',
      activeKeys: 1,
    });

    expect(await run(runAuthCommand, ['disable'])).toEqual({
      code: 1,
      out: '',
      err: 'authentication stays on: 1 active key(s); revoke them first (stepflow keys list, stepflow keys revoke <id>)',
    });
    expect((await run(runKeysCommand, ['revoke', key.id])).code).toBe(0);
    expect(JSON.parse((await run(runAuthCommand, ['status', '--json'])).out)).toMatchObject({
      authentication: 'on',
      activeKeys: 0,
    });
    expect((await run(runKeysCommand, ['list'])).out).toBe(`${key.id}  ops  read,admin  revoked`);

    expect(await run(runAuthCommand, ['disable'])).toEqual({
      code: 0,
      out: 'authentication is off: the API is open, and listens on loopback addresses only',
      err: '',
    });
    expect(JSON.parse((await run(runAuthCommand, ['status', '--json'])).out)).toMatchObject({
      authentication: 'off',
      activeKeys: 0,
    });
    expect((await run(runAuthCommand, ['enable'])).code).toBe(2);
  });

  test('keys create warns when active keys were sealed under another master key', async () => {
    const elsewhere = loadMasterKey({ configured: 'a1'.repeat(32), dataDir: os.tmpdir() });
    const { row } = await createApiKey(db.pool, elsewhere, { name: 'made elsewhere', scopes: ['read'] });
    const created = await run(runKeysCommand, ['create', '--name', 'here', '--scopes', 'read', '--json']);
    expect(created.code).toBe(0);
    expect(created.err).toBe(
      `warning: active keys ${row.id} were sealed under another master key than this one (STEPFLOW_MASTER_KEY); ` +
        'the API verifies SigV4 only for keys sealed with its own: give the API and this command the same STEPFLOW_MASTER_KEY',
    );
  });
});
