import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { cacheDir, loadConfig } from '../../engine/config';
import { call, history, sfnClient, uniqueName, waitForEnd } from './support/client';
import { startGoaws, startLambdaEmulator, type Goaws } from './support/go-servers';
import { freePort, killPid, readStack, ROOT, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

/**
 * Task resources on the real stack: a stack of its own (API, worker, function host on a task
 * queue of this file) with a bindings file, a local HTTP server (HTTP functions, HTTP Task
 * endpoints, an OAuth token endpoint), a Go worker built from go.temporal.io/sdk, and real
 * AWS-protocol servers: dynalite (DynamoDB), s3rver (S3), goaws (SQS and SNS) and AWS's Lambda
 * Runtime Interface Emulator (Lambda's Invoke API), the last two built from the Go module proxy.
 */

const MASTER_KEY = 'a'.repeat(64);
const stack = readStack();
const queue = uniqueName('resources');
const goQueue = `${queue}-go`;
const pids: number[] = [];
let server: http.Server;
let port = 0;
const seen: { path: string; method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let flaky = 0;
let dynalite: { close(cb: () => void): void };
let s3: { close(): Promise<void> };
let dynamoPort = 0;
let s3Port = 0;
let goaws: Goaws;
let lambdaEmulator: { endpoint: string; stop(): Promise<void> };
let apiUrl = '';

/** The Go worker's binary, built once per source version into the user cache. */
function goWorker(): string {
  const dir = path.join(ROOT, 'test', 'fixtures', 'go-worker');
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(dir, file)));
  const out = path.join(cacheDir(loadConfig({})), `go-worker-${hash.digest('hex').slice(0, 12)}`);
  if (!fs.existsSync(out)) {
    const go = fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
    execFileSync(go, ['build', '-o', out, '.'], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, GOFLAGS: '-buildvcs=false' },
    });
  }
  return out;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function startServer(): Promise<void> {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: url.pathname, method: req.method ?? '', headers: req.headers, body });
      switch (url.pathname) {
        case '/fn/greet': {
          const event = JSON.parse(body) as { name?: string };
          return json(res, 200, {
            greeting: `Hi ${event.name}`,
            key: req.headers['x-stepflow-idempotency-key'] !== undefined,
          });
        }
        case '/fn/fail':
          return json(res, 400, { errorType: 'Billing.Declined', errorMessage: 'card declined' });
        case '/fn/slow':
          return void setTimeout(() => json(res, 200, { late: true }), 5_000);
        case '/api/echo':
          return json(res, 200, {
            method: req.method,
            query: Object.fromEntries(url.searchParams),
            authorization: req.headers.authorization ?? null,
            apiKey: req.headers['x-api-key'] ?? null,
            contentType: req.headers['content-type'] ?? null,
            body,
          });
        case '/api/flaky':
          flaky += 1;
          return flaky === 1 ? json(res, 503, { busy: true }) : json(res, 200, { attempt: flaky });
        case '/api/missing':
          return json(res, 404, { message: 'no such thing' });
        case '/api/redirect':
          res.writeHead(302, { location: `http://127.0.0.1:${port}/api/echo` });
          return void res.end();
        case '/oauth/token': {
          const ok = req.headers.authorization === `Basic ${Buffer.from('client-1:client-secret').toString('base64')}`;
          return ok && body.includes('grant_type=client_credentials')
            ? json(res, 200, { access_token: 'oauth-token-1', expires_in: 3600 })
            : json(res, 401, { error: 'invalid_client' });
        }
        default:
          return json(res, 404, {});
      }
    });
  });
  // Dual-stack: `localhost` may resolve to ::1 or 127.0.0.1.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;
}

const aws = () => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

beforeAll(async () => {
  await startServer();
  const { default: dynaliteServer } = (await import('dynalite')) as unknown as {
    default: (o: object) => http.Server;
  };
  const d = dynaliteServer({ createTableMs: 0 });
  await new Promise<void>((resolve) => d.listen(0, '127.0.0.1', resolve));
  dynamoPort = (d.address() as AddressInfo).port;
  dynalite = d;
  const { default: S3rver } = (await import('s3rver')) as unknown as {
    default: new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  };
  const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-s3rver-'));
  const s3server = new S3rver({ port: 0, address: '127.0.0.1', directory: s3dir, silent: true });
  s3Port = (await s3server.run()).port;
  s3 = s3server;

  goaws = await startGoaws({
    queues: ['orders-queue', 'approvals'],
    topics: { 'order-events': ['order-events-queue'], reviews: ['reviews-queue'] },
  });
  lambdaEmulator = await startLambdaEmulator();

  const dynamo = new DynamoDBClient({ ...aws(), endpoint: `http://127.0.0.1:${dynamoPort}` });
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'orders',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  dynamo.destroy();
  const s3client = new S3Client({ ...aws(), endpoint: `http://127.0.0.1:${s3Port}`, forcePathStyle: true });
  await s3client.send(new CreateBucketCommand({ Bucket: 'reports' }));
  s3client.destroy();

  const bindings = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-bindings-')), 'bindings.json');
  fs.writeFileSync(
    bindings,
    JSON.stringify({
      version: 1,
      bindings: [
        { resource: 'remote-greet', http: { url: `http://127.0.0.1:${port}/fn/greet` } },
        { resource: 'remote-fail', http: { url: `http://127.0.0.1:${port}/fn/fail` } },
        { resource: 'remote-slow', http: { url: `http://127.0.0.1:${port}/fn/slow`, timeoutSeconds: 1 } },
        { resource: 'arn:aws:lambda:*:*:function:go-*', temporal: { taskQueue: goQueue, activityType: 'Greet' } },
        { resource: 'renamed', function: { name: 'echo' } },
        // The Runtime Interface Emulator serves one function, named `function`.
        { resource: 'price-order', lambda: { functionName: 'function' } },
      ],
      disabledIntegrations: ['events'],
    }),
  );
  const apiPort = await freePort();
  const env = {
    TEMPORAL_TASK_QUEUE: queue,
    PORT: String(apiPort),
    STEPFLOW_BINDINGS: bindings,
    STEPFLOW_MASTER_KEY: MASTER_KEY,
    STEPFLOW_EGRESS_ALLOW: 'localhost',
    STEPFLOW_S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    AWS_ENDPOINT_URL_SQS: goaws.endpoint,
    AWS_ENDPOINT_URL_SNS: goaws.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEmulator.endpoint,
    STEPFLOW_SQS_PROTOCOL: 'query',
  };
  for (const role of ['api', 'worker', 'functions'] as const) pids.push(spawnStepflow(stack, role, env).pid as number);
  const go = spawn(
    goWorker(),
    ['-address', stack.temporalAddress, '-namespace', stack.namespace, '-task-queue', goQueue],
    {
      stdio: 'ignore',
      detached: true,
    },
  ) as ChildProcess;
  pids.push(go.pid as number);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  process.env.STEPFLOW_TEST_API_URL = apiUrl;
  await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`);
}, 300_000);

afterAll(async () => {
  delete process.env.STEPFLOW_TEST_API_URL;
  for (const pid of pids) killPid(pid);
  await Promise.all(pids.map((pid) => waitForExit(pid)));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => dynalite.close(() => resolve()));
  await s3.close();
  await goaws?.stop();
  await lambdaEmulator?.stop();
});

/** Creates a one-Task machine (or the given states) and runs it to its end. */
async function run(states: Record<string, unknown>, input: unknown = {}, startAt = 'T'): Promise<any> {
  const name = uniqueName('res');
  const created = await call('POST', '/v1/state-machines', { name, definition: { StartAt: startAt, States: states } });
  expect([200, 201]).toContain(created.status);
  const started = await call('POST', `/v1/state-machines/${name}/executions`, { input });
  expect(started.status).toBe(201);
  const end = await waitForEnd(started.body.executionId as string, 120_000);
  return { ...end, executionId: started.body.executionId as string };
}

const task = (Resource: string, extra: Record<string, unknown> = {}) => ({
  T: { Type: 'Task', Resource, End: true, ...extra },
});
const output = (end: any): any => (typeof end.output === 'string' ? JSON.parse(end.output) : end.output);

describe('bindings (a)–(c)', () => {
  test('(a) a FUNCTIONS_DIR function under another name', async () => {
    const end = await run(task('arn:aws:lambda:us-east-1:123456789012:function:renamed'), { x: 1 });
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(end)).toEqual({ x: 1 });
  });

  test('(b) an HTTP endpoint: the event POSTed, the JSON answer the result; lambda:invoke wraps it', async () => {
    const end = await run(
      task('arn:aws:states:::lambda:invoke', {
        Parameters: { FunctionName: 'remote-greet', Payload: { name: 'Ada' } },
      }),
    );
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(end).Payload).toEqual({ greeting: 'Hi Ada', key: true });
    expect(output(end).StatusCode).toBe(200);
  });

  test('(b) {errorType, errorMessage} becomes the ASL error, caught by Catch', async () => {
    const end = await run({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:remote-fail',
        Catch: [{ ErrorEquals: ['Billing.Declined'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(end)).toEqual({
      Error: 'Billing.Declined',
      Cause: JSON.stringify({ errorType: 'Billing.Declined', errorMessage: 'card declined' }),
    });
  });

  test('(b) the binding timeout ends a slow endpoint with States.Timeout', async () => {
    const end = await run(task('arn:aws:lambda:us-east-1:123456789012:function:remote-slow'));
    expect(end.status).toBe('FAILED');
    expect(end.error).toBe('States.Timeout');
  });

  test('(c) a Temporal activity type served by the Go worker', async () => {
    const ok = await run(task('arn:aws:lambda:us-east-1:123456789012:function:go-greeter'), { name: 'Grace' });
    expect(ok.status).toBe('SUCCEEDED');
    expect(output(ok)).toEqual({ greeting: 'Hello, Grace!', language: 'go' });
    const failed = await run(task('arn:aws:lambda:us-east-1:123456789012:function:go-greeter'), {});
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('Greeting.NoName');
    const events = await history(failed.executionId);
    expect(events.map((e) => e.type)).toContain('LambdaFunctionFailed');
  });
});

describe('HTTP Task', () => {
  const connection = async (body: unknown): Promise<string> => {
    const reply = await call('POST', '/v1/connections', body);
    expect(reply.status).toBe(201);
    expect(reply.body.connectionArn).toMatch(/^arn:aws:events:us-east-1:\d{12}:connection\/[^/]+\/[0-9a-f-]{36}$/);
    return reply.body.connectionArn as string;
  };
  const http = (connectionArn: string, extra: Record<string, unknown>) => ({
    ApiEndpoint: `http://localhost:${port}/api/echo`,
    Method: 'POST',
    Authentication: { ConnectionArn: connectionArn },
    ...extra,
  });

  test('API key, basic and OAuth connections; secrets never described nor in history', async () => {
    const apiKey = await connection({
      Name: uniqueName('key'),
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'sekret-key-1' } },
    });
    const basic = await connection({
      Name: uniqueName('basic'),
      AuthorizationType: 'BASIC',
      AuthParameters: { BasicAuthParameters: { Username: 'ada', Password: 'sekret-pass-1' } },
    });
    const oauth = await connection({
      Name: uniqueName('oauth'),
      AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
      AuthParameters: {
        OAuthParameters: {
          AuthorizationEndpoint: `http://localhost:${port}/oauth/token`,
          HttpMethod: 'POST',
          ClientParameters: { ClientID: 'client-1', ClientSecret: 'client-secret' },
        },
      },
    });
    const listed = await call('GET', '/v1/connections');
    expect(JSON.stringify(listed.body)).not.toMatch(/sekret|client-secret/);
    const name = apiKey.split('/')[1];
    const described = await call('GET', `/v1/connections/${name}`);
    expect(described.body.authParameters).toEqual({ ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' } });

    const key = await run(
      task('arn:aws:states:::http:invoke', {
        Parameters: http(apiKey, {
          QueryParameters: { q: 'a b' },
          RequestBody: { tags: ['x', 'y'], n: 1 },
          Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } },
        }),
      }),
    );
    expect([key.status, key.error, key.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const keyOut = output(key);
    expect(keyOut.StatusCode).toBe(200);
    expect(keyOut.StatusText).toBe('OK');
    expect(keyOut.Headers['content-type']).toEqual(['application/json']);
    expect(keyOut.ResponseBody).toEqual({
      method: 'POST',
      query: { q: 'a b' },
      authorization: null,
      apiKey: 'sekret-key-1',
      contentType: 'application/x-www-form-urlencoded',
      body: 'tags%5B%5D=x&tags%5B%5D=y&n=1',
    });
    const basicEnd = await run(task('arn:aws:states:::http:invoke', { Parameters: http(basic, { Method: 'GET' }) }));
    expect(output(basicEnd).ResponseBody.authorization).toBe(
      `Basic ${Buffer.from('ada:sekret-pass-1').toString('base64')}`,
    );
    const oauthEnd = await run(
      task('arn:aws:states:::http:invoke', { Parameters: http(oauth, { RequestBody: { a: 1 } }) }),
    );
    expect(output(oauthEnd).ResponseBody.authorization).toBe('Bearer oauth-token-1');
    expect(output(oauthEnd).ResponseBody.body).toBe('{"a":1}');

    expect((await call('DELETE', `/v1/connections/${name}`)).status).toBe(204);
    expect((await call('GET', `/v1/connections/${name}`)).status).toBe(404);
  });

  test('error statuses: Retry on States.Http.StatusCode.503, Catch of 404', async () => {
    const end = await run({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::http:invoke',
        Parameters: { ApiEndpoint: `http://localhost:${port}/api/flaky`, Method: 'GET' },
        Retry: [{ ErrorEquals: ['States.Http.StatusCode.503'], IntervalSeconds: 1, MaxAttempts: 2 }],
        ResultSelector: { 'attempt.$': '$.ResponseBody.attempt' },
        Next: 'Missing',
      },
      Missing: {
        Type: 'Task',
        Resource: 'arn:aws:states:::http:invoke',
        Parameters: { ApiEndpoint: `http://localhost:${port}/api/missing`, Method: 'GET' },
        Catch: [{ ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.caught', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    });
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const out = output(end);
    expect(out.attempt).toBe(2);
    expect(out.caught.Error).toBe('States.Http.StatusCode.404');
    expect(JSON.parse(out.caught.Cause)).toMatchObject({ StatusCode: 404, ResponseBody: { message: 'no such thing' } });
  });

  test('egress guard: a loopback address and a redirect to one are refused', async () => {
    const direct = await run(
      task('arn:aws:states:::http:invoke', {
        Parameters: { ApiEndpoint: `http://127.0.0.1:${port}/api/echo`, Method: 'GET' },
      }),
    );
    expect(direct.status).toBe('FAILED');
    expect(direct.error).toBe('States.Runtime');
    expect(direct.cause).toContain('loopback');
    expect(direct.cause).toContain('STEPFLOW_EGRESS_ALLOW');
    const metadata = await run(
      task('arn:aws:states:::http:invoke', {
        Parameters: { ApiEndpoint: 'http://169.254.169.254/latest/meta-data', Method: 'GET' },
      }),
    );
    expect(metadata.error).toBe('States.Runtime');
    expect(metadata.cause).toContain('link-local');
    const redirected = await run(
      task('arn:aws:states:::http:invoke', {
        Parameters: { ApiEndpoint: `http://localhost:${port}/api/redirect`, Method: 'GET' },
      }),
    );
    expect(redirected.error).toBe('States.Runtime');
    expect(redirected.cause).toContain("'127.0.0.1'");
  });
});

describe('AWS integrations and validation', () => {
  test('dynamodb put/get/update/delete against dynalite, with AWS error names', async () => {
    const end = await run(
      {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: 'orders', Item: { id: { S: 'o-1' }, total: { N: '12' } } },
          ResultPath: null,
          Next: 'Update',
        },
        Update: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Parameters: {
            TableName: 'orders',
            Key: { id: { S: 'o-1' } },
            UpdateExpression: 'SET #t = :t',
            ExpressionAttributeNames: { '#t': 'total' },
            ExpressionAttributeValues: { ':t': { N: '15' } },
          },
          ResultPath: null,
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:getItem',
          Parameters: { TableName: 'orders', Key: { id: { S: 'o-1' } } },
          ResultSelector: { 'item.$': '$.Item' },
          Next: 'Conflict',
        },
        Conflict: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: 'orders',
            Item: { id: { S: 'o-1' } },
            ConditionExpression: 'attribute_not_exists(id)',
          },
          Catch: [
            { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.conflict', Next: 'Delete' },
          ],
          Next: 'Delete',
        },
        Delete: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:deleteItem',
          Parameters: { TableName: 'orders', Key: { id: { S: 'o-1' } } },
          ResultPath: null,
          End: true,
        },
      },
      {},
      'Put',
    );
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const out = output(end);
    expect(out.item).toEqual({ id: { S: 'o-1' }, total: { N: '15' } });
    expect(out.conflict.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    const dynamo = new DynamoDBClient({ ...aws(), endpoint: `http://127.0.0.1:${dynamoPort}` });
    expect(
      (await dynamo.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'o-1' } } }))).Item,
    ).toBeUndefined();
    dynamo.destroy();
  });

  test('s3 putObject/getObject against s3rver; aws-sdk:s3 errors', async () => {
    const end = await run(
      {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: 'reports', Key: 'r.json', Body: { total: 3 } },
          ResultPath: null,
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: 'reports', Key: 'r.json' },
          ResultSelector: { 'body.$': '$.Body' },
          Next: 'Missing',
        },
        Missing: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: 'reports', Key: 'nope.json' },
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.missing', Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
      {},
      'Put',
    );
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const out = output(end);
    expect(JSON.parse(out.body)).toEqual({ total: 3 });
    expect(out.missing.Error).toBe('S3.NoSuchKeyException');
    const s3client = new S3Client({ ...aws(), endpoint: `http://127.0.0.1:${s3Port}`, forcePathStyle: true });
    const object = await s3client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'r.json' }));
    expect(await object.Body?.transformToString()).toBe('{"total":3}');
    s3client.destroy();
  });

  test('unbound resources: WARNING diagnostics at create, a named error at run time', async () => {
    const name = uniqueName('unbound');
    const definition = {
      StartAt: 'Glue',
      States: {
        Glue: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun', Next: 'Events' },
        Events: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', End: true },
      },
    };
    const created = await call('POST', '/v1/state-machines', { name, definition });
    expect(created.status).toBe(201);
    expect(created.body.diagnostics.map((d: any) => [d.severity, d.code, d.location])).toEqual([
      ['WARNING', 'UNSUPPORTED_RESOURCE', '/States/Glue/Resource'],
      ['WARNING', 'UNSUPPORTED_RESOURCE', '/States/Events/Resource'],
    ]);
    const started = await call('POST', `/v1/state-machines/${name}/executions`, { input: {} });
    const end = await waitForEnd(started.body.executionId as string);
    expect(end.status).toBe('FAILED');
    expect(end.error).toBe('States.Runtime');
    expect(end.cause).toContain('arn:aws:states:::glue:startJobRun');
    expect(end.cause).toContain('STEPFLOW_BINDINGS');
  });
});

/** A client of goaws for the test's consumers (goaws speaks SQS's query protocol only). */
function sqsClient(): SQSClient {
  return new SQSClient({
    ...aws(),
    endpoint: goaws.endpoint,
    protocol: AwsQueryProtocol,
    protocolSettings: {
      defaultNamespace: 'com.amazonaws.sqs',
      xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
      version: '2012-11-05',
    },
  });
}

/** Receives (and deletes) the next message of a goaws queue, waiting for it to arrive. */
async function receiveOne(queue: string): Promise<{ body: string; attributes: Record<string, unknown> }> {
  const sqs = sqsClient();
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: goaws.queueUrl(queue),
          MaxNumberOfMessages: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      const message = Messages?.[0];
      if (message) {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: goaws.queueUrl(queue), ReceiptHandle: message.ReceiptHandle }),
        );
        return { body: message.Body ?? '', attributes: message.MessageAttributes ?? {} };
      }
      if (Date.now() > deadline) throw new Error(`no message on ${queue}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    sqs.destroy();
  }
}

/** Starts a machine without waiting for its end. */
async function start(states: Record<string, unknown>, input: unknown, startAt: string): Promise<string> {
  const name = uniqueName('res');
  const created = await call('POST', '/v1/state-machines', { name, definition: { StartAt: startAt, States: states } });
  expect([200, 201]).toContain(created.status);
  const started = await call('POST', `/v1/state-machines/${name}/executions`, { input });
  expect(started.status).toBe(201);
  return started.body.executionId as string;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('SQS, SNS and Lambda against goaws and the Lambda emulator', () => {
  test('sqs:sendMessage and sns:publish: request and response shapes, AWS error names', async () => {
    const end = await run(
      {
        Send: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: {
            QueueUrl: goaws.queueUrl('orders-queue'),
            MessageBody: { 'orderId.$': '$.orderId', total: 3 },
            MessageAttributes: { source: { DataType: 'String', StringValue: 'stepflow' } },
          },
          ResultPath: '$.sent',
          Next: 'Publish',
        },
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: {
            TopicArn: goaws.topicArn('order-events'),
            Message: { 'orderId.$': '$.orderId', event: 'created' },
            Subject: 'order created',
          },
          ResultPath: '$.published',
          Next: 'NoQueue',
        },
        NoQueue: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: { QueueUrl: goaws.queueUrl('no-such-queue'), MessageBody: 'x' },
          Catch: [{ ErrorEquals: ['SQS.QueueDoesNotExistException'], ResultPath: '$.noQueue', Next: 'NoTopic' }],
          Next: 'NoTopic',
        },
        NoTopic: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: { TopicArn: goaws.topicArn('no-such-topic'), Message: 'x' },
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.noTopic', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Pass', End: true },
      },
      { orderId: 'o-7' },
      'Send',
    );
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const out = output(end);
    const body = '{"orderId":"o-7","total":3}';
    expect(out.sent).toMatchObject({
      MD5OfMessageBody: md5(body),
      MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    expect(out.published).toMatchObject({
      MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
    expect(out.noQueue.Error).toBe('SQS.QueueDoesNotExistException');
    // goaws answers a missing topic with its own error code (AWS: `NotFound`, SNS.NotFoundException).
    expect(out.noTopic.Error).toBe('SNS.AWS.SimpleNotificationService.NonExistentTopicException');
    expect(out.noTopic.Cause).toContain('topic does not exist');

    const queued = await receiveOne('orders-queue');
    expect(queued.body).toBe(body);
    expect(queued.attributes).toEqual({ source: { DataType: 'String', StringValue: 'stepflow' } });
    const delivered = await receiveOne('order-events-queue');
    expect(JSON.parse(delivered.body)).toEqual({ orderId: 'o-7', event: 'created' });
  });

  test('aws-sdk:sqs: the SDK output, errors as <Service>.<Exception>', async () => {
    const end = await run(
      {
        Send: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessage',
          Parameters: { QueueUrl: goaws.queueUrl('orders-queue'), MessageBody: 'plain text' },
          ResultSelector: { 'md5.$': '$.MD5OfMessageBody' },
          ResultPath: '$.sent',
          Next: 'Missing',
        },
        Missing: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:getQueueUrl',
          Parameters: { QueueName: 'no-such-queue' },
          Catch: [{ ErrorEquals: ['Sqs.QueueDoesNotExistException'], ResultPath: '$.missing', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Pass', End: true },
      },
      {},
      'Send',
    );
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(end).sent).toEqual({ md5: md5('plain text') });
    expect(output(end).missing.Error).toBe('Sqs.QueueDoesNotExistException');
    expect((await receiveOne('orders-queue')).body).toBe('plain text');
  });

  test('.waitForTaskToken: the token in the SQS message and in the SNS message, SendTaskSuccess resumes', async () => {
    const executionId = await start(
      {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: goaws.queueUrl('approvals'),
            MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' },
          },
          ResultPath: '$.approval',
          TimeoutSeconds: 300,
          Next: 'Review',
        },
        Review: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
          Parameters: {
            TopicArn: goaws.topicArn('reviews'),
            Message: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' },
          },
          ResultPath: '$.review',
          TimeoutSeconds: 300,
          End: true,
        },
      },
      { orderId: 'o-9' },
      'Ask',
    );
    const sfn = sfnClient(apiUrl);
    try {
      const asked = JSON.parse((await receiveOne('approvals')).body);
      expect(asked.orderId).toBe('o-9');
      expect(typeof asked.taskToken).toBe('string');
      await sfn.send(new SendTaskSuccessCommand({ taskToken: asked.taskToken, output: '{"approved":true}' }));
      const reviewed = JSON.parse((await receiveOne('reviews-queue')).body);
      expect(reviewed.orderId).toBe('o-9');
      await sfn.send(new SendTaskSuccessCommand({ taskToken: reviewed.token, output: '{"stars":5}' }));
    } finally {
      sfn.destroy();
    }
    const end = await waitForEnd(executionId, 120_000);
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(end)).toEqual({ orderId: 'o-9', approval: { approved: true }, review: { stars: 5 } });
  });

  test('(d) a function bound to Lambda runs in the Lambda emulator; lambda:invoke wraps its payload', async () => {
    const direct = await run(task('arn:aws:lambda:us-east-1:123456789012:function:price-order'), {
      orderId: 'o-1',
      items: [{ price: 2, quantity: 3 }],
    });
    expect([direct.status, direct.error, direct.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(direct)).toEqual({ orderId: 'o-1', total: 6, pricedBy: 'function' });
    const wrapped = await run(
      task('arn:aws:states:::lambda:invoke', {
        Parameters: { FunctionName: 'price-order', Payload: { orderId: 'o-2', items: [] } },
      }),
    );
    expect([wrapped.status, wrapped.error, wrapped.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(output(wrapped).Payload).toEqual({ orderId: 'o-2', total: 0, pricedBy: 'function' });
    expect(output(wrapped).StatusCode).toBe(200);
  });

  test("AWS's documented shape: lambda:invoke, dynamodb:putItem, a .waitForTaskToken step over SQS, sns:publish", async () => {
    const executionId = await start(
      {
        'Price order': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'price-order', 'Payload.$': '$' },
          ResultSelector: { 'total.$': '$.Payload.total' },
          ResultPath: '$.priced',
          Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], MaxAttempts: 2 }],
          Next: 'Save order',
        },
        'Save order': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: 'orders',
            Item: {
              id: { 'S.$': '$.orderId' },
              total: { 'N.$': "States.Format('{}', $.priced.total)" },
              status: { S: 'PENDING_APPROVAL' },
            },
          },
          ResultPath: null,
          Next: 'Wait for approval',
        },
        'Wait for approval': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: goaws.queueUrl('approvals'),
            MessageBody: { 'orderId.$': '$.orderId', 'total.$': '$.priced.total', 'TaskToken.$': '$$.Task.Token' },
          },
          ResultPath: '$.approval',
          TimeoutSeconds: 300,
          Catch: [{ ErrorEquals: ['Order.Rejected'], ResultPath: '$.rejection', Next: 'Rejected' }],
          Next: 'Notify',
        },
        Notify: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: {
            TopicArn: goaws.topicArn('order-events'),
            Message: { 'orderId.$': '$.orderId', 'total.$': '$.priced.total', 'approvedBy.$': '$.approval.by' },
          },
          ResultSelector: { 'messageId.$': '$.MessageId' },
          ResultPath: '$.notified',
          End: true,
        },
        Rejected: { Type: 'Fail', Error: 'Order.Rejected' },
      },
      {
        orderId: 'o-e2e',
        items: [
          { price: 5, quantity: 2 },
          { price: 1, quantity: 4 },
        ],
      },
      'Price order',
    );
    const approval = JSON.parse((await receiveOne('approvals')).body);
    expect([approval.orderId, approval.total]).toEqual(['o-e2e', 14]);
    const dynamo = new DynamoDBClient({ ...aws(), endpoint: `http://127.0.0.1:${dynamoPort}` });
    try {
      const saved = await dynamo.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'o-e2e' } } }));
      expect(saved.Item).toEqual({ id: { S: 'o-e2e' }, total: { N: '14' }, status: { S: 'PENDING_APPROVAL' } });
    } finally {
      dynamo.destroy();
    }
    const sfn = sfnClient(apiUrl);
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: approval.TaskToken, output: '{"by":"ada"}' }));
    } finally {
      sfn.destroy();
    }
    const end = await waitForEnd(executionId, 120_000);
    expect([end.status, end.error, end.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const out = output(end);
    expect(out.priced).toEqual({ total: 14 });
    expect(out.approval).toEqual({ by: 'ada' });
    expect(out.notified.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const notified = JSON.parse((await receiveOne('order-events-queue')).body);
    expect(notified).toEqual({ orderId: 'o-e2e', total: 14, approvedBy: 'ada' });
    const types = (await history(executionId)).map((e) => e.type);
    // Four Task states, each with Task* events (lambda:invoke included, as in AWS's histories).
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(4);
  });
});
