import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { ROOT } from './support/stack';

const run = promisify(execFile);

/** `stepflow keys create` against the stack's database; returns the new key. */
async function createKey(own: OwnStack, name: string, scopes: string): Promise<{ id: string; secret: string; bearer: string }> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), 'keys', 'create', '--name', name, '--scopes', scopes, '--json'], {
    env: { ...process.env, DATABASE_URL: own.stack.databaseUrl, LOG_LEVEL: 'warn' },
  });
  return JSON.parse(stdout);
}

const sfn = (own: OwnStack, accessKeyId: string, secretAccessKey: string) =>
  new SFNClient({ endpoint: own.stack.apiUrl, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, disableHostPrefix: true });

describe('API keys', () => {
  let own: OwnStack;
  beforeAll(async () => {
    own = await startOwnStack();
  });
  afterAll(async () => {
    await own.destroy();
  });

  test('runs open without keys, then requires a valid key with the right scope once one exists', async () => {
    const url = own.stack.apiUrl;
    expect((await fetch(`${url}/v1/state-machines`)).status).toBe(200);

    const admin = await createKey(own, 'ops', 'read,execute,admin');
    const reader = await createKey(own, 'dashboard', 'read');
    // The open-mode answer is cached for 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const anonymous = await fetch(`${url}/v1/state-machines`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as any).code).toBe('UNAUTHORIZED');
    expect((await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer ${reader.id}.wrong` } })).status).toBe(401);
    expect((await fetch(`${url}/v1/state-machines`, { headers: { authorization: `Bearer ${reader.bearer}` } })).status).toBe(200);
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
    const listed = await sfn(own, reader.id, reader.secret).send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(['guarded']);
    await expect(sfn(own, reader.id, 'not-the-secret').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(sfn(own, 'SFKNOPE', 'x').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(
      sfn(own, reader.id, reader.secret).send(new StartExecutionCommand({ stateMachineArn: listed.stateMachines?.[0].stateMachineArn })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const started = await sfn(own, admin.id, admin.secret).send(new StartExecutionCommand({ stateMachineArn: listed.stateMachines?.[0].stateMachineArn }));
    expect(started.executionArn).toContain(':execution:guarded:');
  });

  test('refuses to listen on a non-loopback address without keys', async () => {
    const result = await run(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), 'api'], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '18999', DATABASE_URL: `${own.stack.databaseUrl}_empty`, TEMPORAL_ADDRESS: own.stack.temporalAddress, LOG_LEVEL: 'fatal' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stderr: err.stderr + err.stdout }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without API keys');
  });
});
