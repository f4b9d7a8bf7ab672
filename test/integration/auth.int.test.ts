import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { dropDatabase } from '../../engine/db/pool';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { freePort, killPid, ROOT, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

const run = promisify(execFile);
const STEPFLOW = path.join(ROOT, 'bin', 'stepflow.js');

/** `stepflow <args>` (an operator command) against the stack's database; its stdout. */
async function operator(own: OwnStack, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [STEPFLOW, ...args], {
    env: { ...process.env, DATABASE_URL: own.stack.databaseUrl, LOG_LEVEL: 'warn' },
  });
  return stdout;
}

/** `stepflow keys create` against the stack's database; returns the new key. */
async function createKey(
  own: OwnStack,
  name: string,
  scopes: string,
): Promise<{ id: string; secret: string; bearer: string }> {
  return JSON.parse(await operator(own, ['keys', 'create', '--name', name, '--scopes', scopes, '--json']));
}

const sfn = (url: string, accessKeyId: string, secretAccessKey: string) =>
  new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    disableHostPrefix: true,
    maxAttempts: 1,
  });

/** Polls until `check` holds (the API trusts an "authentication is on" answer for 2 s). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('API keys', () => {
  let own: OwnStack;
  const extraDatabases: string[] = [];
  beforeAll(async () => {
    own = await startOwnStack();
  });
  afterAll(async () => {
    await own.destroy();
    for (const url of extraDatabases) await dropDatabase(url).catch(() => undefined);
  });

  let admin: { id: string; secret: string; bearer: string };
  let reader: { id: string; secret: string; bearer: string };

  test('runs open without keys, then requires a valid key with the right scope from the first key on', async () => {
    const url = own.stack.apiUrl;
    expect((await fetch(`${url}/v1/state-machines`)).status).toBe(200);

    admin = await createKey(own, 'ops', 'read,execute,admin');
    reader = await createKey(own, 'dashboard', 'read');

    // No grace period: the request right after the first key is created needs one.
    const anonymous = await fetch(`${url}/v1/state-machines`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as any).code).toBe('UNAUTHORIZED');
    expect(
      (await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer ${reader.id}.wrong` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer ${reader.bearer}` } })).status,
    ).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const asReader = await fetch(`${url}/v1/state-machines`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader.bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'guarded', definition }),
    });
    expect(asReader.status).toBe(403);
    expect(((await asReader.json()) as any).code).toBe('FORBIDDEN');
    const asAdmin = await fetch(`${url}/v1/state-machines`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'guarded', definition }),
    });
    expect(asAdmin.status).toBe(201);

    // The Step Functions protocol: AWS Signature V4 made by the SDK with the key id and secret.
    const listed = await sfn(url, reader.id, reader.secret).send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(['guarded']);
    await expect(sfn(url, reader.id, 'not-the-secret').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    await expect(sfn(url, 'SFKNOPE', 'x').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(
      sfn(url, reader.id, reader.secret).send(
        new StartExecutionCommand({ stateMachineArn: listed.stateMachines?.[0].stateMachineArn }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const started = await sfn(url, admin.id, admin.secret).send(
      new StartExecutionCommand({ stateMachineArn: listed.stateMachines?.[0].stateMachineArn }),
    );
    expect(started.executionArn).toContain(':execution:guarded:');
  });

  test('refuses a signed StartExecution whose body was changed after signing', async () => {
    const url = new URL(own.stack.apiUrl);
    const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:guarded';
    const signedBody = JSON.stringify({ stateMachineArn, name: 'tampered', input: '{"amount":100}' });
    const sentBody = signedBody.replace('100', '999');
    expect(sentBody.length).toBe(signedBody.length);
    for (const applyChecksum of [true, false]) {
      const signer = new SignatureV4({
        credentials: { accessKeyId: admin.id, secretAccessKey: admin.secret },
        region: 'us-east-1',
        service: 'states',
        sha256: Hash.bind(null, 'sha256'),
        applyChecksum,
      });
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.StartExecution',
        },
        body: signedBody,
      });
      const { host: _host, ...headers } = signed.headers;
      const tampered = await fetch(url, { method: 'POST', headers, body: sentBody });
      expect(tampered.status).toBe(401);
      expect(tampered.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
      expect(((await tampered.json()) as any).__type).toBe('InvalidSignatureException');
    }
    const executions = await sfn(own.stack.apiUrl, admin.id, admin.secret).send(
      new ListExecutionsCommand({ stateMachineArn }),
    );
    expect(executions.executions?.map((e) => e.name)).not.toContain('tampered');
  });

  test('revoking every key keeps authentication on until an operator disables it', async () => {
    const url = own.stack.apiUrl;
    for (const key of [admin, reader])
      expect(await operator(own, ['keys', 'revoke', key.id])).toBe(`revoked ${key.id}\n`);
    expect(JSON.parse(await operator(own, ['auth', 'status', '--json']))).toMatchObject({
      authentication: 'on',
      activeKeys: 0,
    });

    const write = () =>
      fetch(`${url}/v1/state-machines`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'sneaky',
          definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        }),
      });
    // Past the API's 2 s cache of "on", still closed: the revocations did not turn authentication off.
    await sleep(2_500);
    expect((await write()).status).toBe(401);
    expect(
      (await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer ${admin.bearer}` } })).status,
    ).toBe(401);
    await expect(sfn(url, admin.id, admin.secret).send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });

    expect(await operator(own, ['auth', 'disable'])).toBe(
      'authentication is off: the API is open, and listens on loopback addresses only\n',
    );
    await eventually(async () => (await fetch(`${url}/v1/state-machines`)).status === 200);
    expect((await write()).status).toBe(201);
  });

  test('a fresh deployment on a public address starts with STEPFLOW_ADMIN_KEY, never open', async () => {
    const databaseUrl = `${own.stack.databaseUrl}_boot`;
    extraDatabases.push(databaseUrl);
    const port = await freePort();
    const secret = 'bootstrap-secret-for-the-test-0123456789';
    const api = spawnStepflow({ ...own.stack, databaseUrl }, 'api', {
      HOST: '0.0.0.0',
      PORT: String(port),
      STEPFLOW_ADMIN_KEY: `SFKBOOT.${secret}`,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`);
      expect((await fetch(`${url}/v1/state-machines`)).status).toBe(401);
      expect(
        (await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer SFKBOOT.${secret}` } })).status,
      ).toBe(200);
      const client = sfn(url, 'SFKBOOT', secret);
      await client.send(
        new CreateStateMachineCommand({
          name: 'booted',
          definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
          roleArn: 'arn:aws:iam::000000000000:role/x',
        }),
      );
      expect((await client.send(new ListStateMachinesCommand({}))).stateMachines?.map((m) => m.name)).toEqual([
        'booted',
      ]);
    } finally {
      killPid(api.pid as number, 'SIGTERM');
      await waitForExit(api.pid as number);
    }
  });

  test('refuses to listen on a non-loopback address without keys', async () => {
    const databaseUrl = `${own.stack.databaseUrl}_empty`;
    extraDatabases.push(databaseUrl);
    const result = await run(process.execPath, [STEPFLOW, 'api'], {
      env: {
        ...process.env,
        HOST: '0.0.0.0',
        PORT: '18999',
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: own.stack.temporalAddress,
        LOG_LEVEL: 'fatal',
      },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stderr: err.stderr + err.stdout }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without API keys');
  });
});
