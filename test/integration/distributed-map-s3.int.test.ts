import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeMapRunCommand, RedriveExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { Client, Connection } from '@temporalio/client';
import { call, createMachine, history, sfnClient, startExecution, uniqueName, waitForEnd } from './support/client';
import { childrenOf, MAP_RUN_HISTORY } from './support/map-runs';
import { startS3rver, type S3TestServer } from './support/s3-server';
import { freePort, killPid, readStack, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

/**
 * Distributed Map with ItemReader and ResultWriter on the real stack: an API, a worker and a
 * function host of this file (on a task queue of its own, sharing the run's Temporal server and
 * database), configured for S3 the way a deployment is (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS
 * credentials, STEPFLOW_S3_FORCE_PATH_STYLE), against a real S3-protocol server (s3rver).
 */

const ARN = 'arn:aws:states:us-east-1:000000000000';
const stack = readStack();
const queue = uniqueName('dmap-s3');
const pids: number[] = [];
let s3server: S3TestServer;
let s3: S3Client;
let sfn: SFNClient;
let temporal: Client;
const IN = 'items';
const OUT = 'results';

async function put(key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: IN, Key: key, Body: body }));
}

async function text(bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString();
}

/** The statuses of every Temporal run of a workflow, oldest first, once the last one is closed. */
async function runStatuses(workflowId: string): Promise<string[]> {
  for (let i = 0; ; i++) {
    const runs: { status: string; startTime: Date }[] = [];
    for await (const info of temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      runs.push({ status: info.status.name, startTime: info.startTime });
    }
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    if (runs.at(-1)?.status === 'COMPLETED' || i >= 120) return runs.map((run) => run.status);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Creates a machine and runs it to its end. */
async function run(definition: unknown, input: unknown = {}, timeoutMs = 180_000): Promise<any> {
  const machine = uniqueName('dmap-s3');
  await createMachine(machine, definition);
  const id = await startExecution(machine, input);
  return { ...(await waitForEnd(id, timeoutMs)), id, machine };
}

const processor = (states: Record<string, unknown>, startAt: string) => ({
  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
  StartAt: startAt,
  States: states,
});
const PASS = processor({ P: { Type: 'Pass', End: true } }, 'P');
const map = (fields: Record<string, unknown>, itemProcessor: unknown = PASS) => ({
  StartAt: 'Fan',
  States: { Fan: { Type: 'Map', ItemProcessor: itemProcessor, End: true, ...fields } },
});

beforeAll(async () => {
  s3server = await startS3rver();
  const credentials = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  s3 = new S3Client({
    endpoint: s3server.endpoint,
    region: credentials.AWS_REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: IN }));
  await s3.send(new CreateBucketCommand({ Bucket: OUT }));
  const port = await freePort();
  const env = {
    ...credentials,
    TEMPORAL_TASK_QUEUE: queue,
    PORT: String(port),
    AWS_ENDPOINT_URL_S3: s3server.endpoint,
    STEPFLOW_S3_FORCE_PATH_STYLE: 'true',
  };
  for (const role of ['api', 'worker', 'functions'] as const) pids.push(spawnStepflow(stack, role, env).pid as number);
  temporal = new Client({
    connection: await Connection.connect({ address: stack.temporalAddress }),
    namespace: stack.namespace,
  });
  process.env.STEPFLOW_TEST_API_URL = `http://127.0.0.1:${port}`;
  sfn = sfnClient(`http://127.0.0.1:${port}`);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
}, 300_000);

afterAll(async () => {
  delete process.env.STEPFLOW_TEST_API_URL;
  for (const pid of pids) killPid(pid);
  await Promise.all(pids.map((pid) => waitForExit(pid)));
  s3?.destroy();
  await s3server?.stop();
  await temporal?.connection.close();
});

describe('Distributed Map with ItemReader and ResultWriter on S3', () => {
  test('reads 10,000 CSV items in batches of 100, tolerates failed batches, writes the result files', async () => {
    const N = 10_000;
    // Batches 7, 42 and 77 (their first items 700, 4200, 7700) fail: 3% of 100 children, within 5%.
    const failing = new Set([700, 4200, 7700]);
    const rows = Array.from({ length: N }, (_, i) => `${i},${failing.has(i) ? 'yes' : 'no'},name-${i}`);
    await put('big/items.csv', `id,fail,name\n${rows.join('\n')}\n`);
    const definition = map(
      {
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { Bucket: IN, 'Key.$': '$.key' },
        },
        ItemSelector: {
          'id.$': '$$.Map.Item.Value.id',
          'fail.$': '$$.Map.Item.Value.fail',
          'index.$': '$$.Map.Item.Index',
        },
        ItemBatcher: { MaxItemsPerBatch: 100, BatchInput: { 'run.$': '$.tag' } },
        MaxConcurrency: 50,
        ToleratedFailurePercentage: 5,
        Label: 'big',
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: OUT, 'Prefix.$': '$.prefix' },
        },
      },
      processor(
        {
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.Items[0].fail', StringEquals: 'yes', Next: 'Bad' }],
            Default: 'Sum',
          },
          Bad: { Type: 'Fail', Error: 'Bad', Cause: 'bad batch' },
          Sum: {
            Type: 'Pass',
            Parameters: {
              'first.$': '$.Items[0].index',
              'count.$': 'States.ArrayLength($.Items)',
              'run.$': '$.BatchInput.run',
            },
            End: true,
          },
        },
        'Check',
      ),
    );
    const done = await run(definition, { key: 'big/items.csv', tag: 't1', prefix: 'out/big' }, 1_200_000);
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const mapRunArn: string = done.output.MapRunArn;
    expect(mapRunArn).toMatch(new RegExp(`^${ARN}:mapRun:${done.machine}/big:[0-9a-f-]{36}$`));
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    expect(done.output).toEqual({
      MapRunArn: mapRunArn,
      ResultWriterDetails: { Bucket: OUT, Key: `out/big/${runId}/manifest.json` },
    });

    const events = (await history(done.id)).map((e: any) => e.type);
    expect(events).toEqual(MAP_RUN_HISTORY);

    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', maxConcurrency: 50, toleratedFailurePercentage: 5 });
    // Every child's record went to S3, the failed ones' too: 100 children holding 10,000 items.
    expect(described.executionCounts).toMatchObject({
      succeeded: 97,
      failed: 3,
      total: 100,
      pending: 0,
      running: 0,
      resultsWritten: 100,
    });
    expect(described.itemCounts).toMatchObject({
      succeeded: 9_700,
      failed: 300,
      total: 10_000,
      pending: 0,
      resultsWritten: 10_000,
    });

    const children = await childrenOf(sfn, mapRunArn);
    expect(children).toHaveLength(100);
    expect(children.filter((child) => child.status === 'FAILED')).toHaveLength(3);
    const childArns = new Set(children.map((child) => child.executionArn as string));

    // The manifest and the result files, read back from S3.
    const manifest = JSON.parse(await text(OUT, `out/big/${runId}/manifest.json`));
    const succeededKey = `out/big/${runId}/SUCCEEDED_0.json`;
    const failedKey = `out/big/${runId}/FAILED_0.json`;
    const succeededText = await text(OUT, succeededKey);
    const failedText = await text(OUT, failedKey);
    expect(manifest).toEqual({
      DestinationBucket: OUT,
      MapRunArn: mapRunArn,
      ResultFiles: {
        FAILED: [{ Key: failedKey, Size: Buffer.byteLength(failedText) }],
        PENDING: [],
        SUCCEEDED: [{ Key: succeededKey, Size: Buffer.byteLength(succeededText) }],
      },
    });
    const batchInput = (first: number) => ({
      BatchInput: { run: 't1' },
      Items: Array.from({ length: 100 }, (_, k) => ({
        id: String(first + k),
        fail: failing.has(first + k) ? 'yes' : 'no',
        index: first + k,
      })),
    });
    const succeeded = JSON.parse(succeededText) as any[];
    const failed = JSON.parse(failedText) as any[];
    const firsts = Array.from({ length: 100 }, (_, b) => b * 100);
    expect(succeeded.map((r) => JSON.parse(r.Input).Items[0].index)).toEqual(firsts.filter((f) => !failing.has(f)));
    expect(failed.map((r) => JSON.parse(r.Input).Items[0].index)).toEqual([700, 4200, 7700]);
    for (const record of succeeded) {
      const first = JSON.parse(record.Input).Items[0].index as number;
      expect(JSON.parse(record.Input)).toEqual(batchInput(first));
      expect(JSON.parse(record.Output)).toEqual({ first, count: 100, run: 't1' });
      expect(record).toMatchObject({
        Status: 'SUCCEEDED',
        StateMachineArn: `${ARN}:stateMachine:${done.machine}/big`,
        InputDetails: { Included: true },
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: 'NOT_REDRIVABLE',
      });
      expect(childArns.has(record.ExecutionArn)).toBe(true);
      expect(Object.keys(record)).toEqual([
        'ExecutionArn',
        'Input',
        'InputDetails',
        'Name',
        'Output',
        'OutputDetails',
        'RedriveCount',
        'RedriveStatus',
        'RedriveStatusReason',
        'StartDate',
        'StateMachineArn',
        'Status',
        'StopDate',
      ]);
    }
    for (const record of failed) {
      expect(JSON.parse(record.Input)).toEqual(batchInput(JSON.parse(record.Input).Items[0].index));
      expect(record).toMatchObject({
        Cause: 'bad batch',
        Error: 'Bad',
        Status: 'FAILED',
        RedriveStatus: 'REDRIVABLE_BY_MAP_RUN',
      });
      expect(record.Output).toBeUndefined();
      expect(childArns.has(record.ExecutionArn)).toBe(true);
    }
  }, 1_500_000);

  test('a redriven Map Run re-runs only its failed and unstarted children, on the items it read first', async () => {
    // The `gated` fixture counts its calls per step and fails while `<dir>/broken-<step>` exists.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-dmap-s3-redrive-'));
    const steps = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const step of ['c', 'f']) fs.writeFileSync(path.join(dir, `broken-${step}`), '');
    await put('redrive/items.jsonl', steps.map((step) => JSON.stringify({ step })).join('\n'));
    const machine = uniqueName('dmap-s3-redrive');
    await createMachine(
      machine,
      map(
        {
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSONL' },
            Parameters: { Bucket: IN, Key: 'redrive/items.jsonl' },
          },
          ItemSelector: { 'dir.$': '$.dir', 'step.$': '$$.Map.Item.Value.step' },
          // One child at a time: c fails (tolerated), f fails (past the tolerance), g and h never start.
          MaxConcurrency: 1,
          ToleratedFailureCount: 1,
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: OUT, Prefix: 'redrive' } },
        },
        processor(
          { Step: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:gated', End: true } },
          'Step',
        ),
      ),
    );
    const id = await startExecution(machine, { dir });
    const failed = await waitForEnd(id, 180_000);
    expect([failed.status, failed.error]).toEqual(['FAILED', 'States.ExceedToleratedFailureThreshold']);
    const started = (await history(id)).find((e: any) => e.type === 'MapRunStarted');
    const mapRunArn: string = started.mapRunStartedEventDetails.mapRunArn;
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    const first = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(first).toMatchObject({ status: 'FAILED', redriveCount: 0 });
    expect(first.executionCounts).toMatchObject({ succeeded: 4, failed: 2, pending: 2, total: 8, resultsWritten: 6 });
    expect(first.itemCounts).toMatchObject({ succeeded: 4, failed: 2, pending: 2, total: 8, resultsWritten: 6 });
    const pendingText = await text(OUT, `redrive/${runId}/PENDING_0.json`);
    expect((JSON.parse(pendingText) as any[]).map((r) => JSON.parse(r.Input).step)).toEqual(['g', 'h']);

    // The object now holds other items in another order: a redrive must not read it again.
    await put('redrive/items.jsonl', ['z', 'h', 'g', 'f'].map((step) => JSON.stringify({ step })).join('\n'));
    for (const step of ['c', 'f']) fs.rmSync(path.join(dir, `broken-${step}`));
    await sfn.send(new RedriveExecutionCommand({ executionArn: `${ARN}:execution:${id}` }));
    const done = await waitForEnd(id, 180_000);
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(done.output).toEqual({
      MapRunArn: mapRunArn,
      ResultWriterDetails: { Bucket: OUT, Key: `redrive/${runId}/manifest.json` },
    });
    const calls = (step: string) => fs.readFileSync(path.join(dir, `calls-${step}`), 'utf8').split('\n').length - 1;
    expect(steps.map(calls)).toEqual([1, 1, 2, 1, 1, 2, 1, 1]);
    expect(fs.existsSync(path.join(dir, 'calls-z'))).toBe(false);

    const types = (await history(id)).map((e: any) => e.type);
    expect(types.filter((type: string) => type.startsWith('MapRun'))).toEqual([
      'MapRunStarted',
      'MapRunFailed',
      'MapRunRedriven',
      'MapRunSucceeded',
    ]);
    const after = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(after).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(after.executionCounts).toMatchObject({ succeeded: 8, failed: 0, pending: 0, total: 8, resultsWritten: 8 });
    expect(after.itemCounts).toMatchObject({ succeeded: 8, failed: 0, pending: 0, total: 8, resultsWritten: 8 });
    // Six children of the first run, four of the redrive (c, f, g, h).
    expect(await childrenOf(sfn, mapRunArn)).toHaveLength(10);

    const succeededKey = `redrive/${runId}/SUCCEEDED_0.json`;
    const succeededText = await text(OUT, succeededKey);
    const manifest = JSON.parse(await text(OUT, `redrive/${runId}/manifest.json`));
    expect(manifest.ResultFiles).toEqual({
      FAILED: [],
      PENDING: [],
      SUCCEEDED: [{ Key: succeededKey, Size: Buffer.byteLength(succeededText) }],
    });
    const records = JSON.parse(succeededText) as any[];
    expect(records.map((r) => [JSON.parse(r.Input).step, JSON.parse(r.Output)])).toEqual(
      steps.map((step) => [step, { step }]),
    );
    // The first write's FAILED file stays, unlisted by the new manifest.
    const stale = JSON.parse(await text(OUT, `redrive/${runId}/FAILED_0.json`)) as any[];
    expect(stale.map((r) => JSON.parse(r.Input).step)).toEqual(['c', 'f']);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  test('results an unwritable ResultWriter left out are written by a redrive, no child running again', async () => {
    // 1,001 children: the Map Run workflow continues as new once (1,000 children per run).
    const N = 1_001;
    await put('late/items.jsonl', Array.from({ length: N }, (_, i) => JSON.stringify({ i })).join('\n'));
    const bucket = uniqueName('late-results');
    const machine = uniqueName('dmap-s3-late');
    await createMachine(
      machine,
      map({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL' },
          Parameters: { Bucket: IN, Key: 'late/items.jsonl' },
        },
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { 'Bucket.$': '$.bucket', Prefix: 'late' },
          WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' },
        },
      }),
    );
    // The results bucket does not exist yet: every child succeeds, the results cannot be written.
    const id = await startExecution(machine, { bucket });
    const failed = await waitForEnd(id, 900_000);
    expect([failed.status, failed.error]).toEqual(['FAILED', 'States.ResultWriterFailed']);
    const started = (await history(id)).find((e: any) => e.type === 'MapRunStarted');
    const mapRunArn: string = started.mapRunStartedEventDetails.mapRunArn;
    expect(await runStatuses(mapRunArn)).toEqual(['CONTINUED_AS_NEW', 'COMPLETED']);
    const first = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(first).toMatchObject({ status: 'FAILED', redriveCount: 0 });
    expect(first.executionCounts).toMatchObject({ succeeded: N, total: N, resultsWritten: 0 });
    // DescribeMapRun has no error field; the REST view of the Map Run says why it failed.
    const viaRest = await call('GET', `/v1/map-runs/${encodeURIComponent(mapRunArn)}`);
    expect(viaRest.body).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });

    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: `${ARN}:execution:${id}` }));
    const done = await waitForEnd(id, 900_000);
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    expect(done.output).toEqual({
      MapRunArn: mapRunArn,
      ResultWriterDetails: { Bucket: bucket, Key: `late/${runId}/manifest.json` },
    });
    const after = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(after).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(after.executionCounts).toMatchObject({ succeeded: N, failed: 0, total: N, resultsWritten: N });
    expect(after.itemCounts).toMatchObject({ succeeded: N, total: N, resultsWritten: N });
    // No child ran again: one child execution per item.
    expect(await childrenOf(sfn, mapRunArn)).toHaveLength(N);
    const lines = (await text(bucket, `late/${runId}/SUCCEEDED_0.jsonl`)).split('\n');
    expect(lines).toHaveLength(N + 1);
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(Array.from({ length: N }, (_, i) => ({ i })));
  }, 1_800_000);

  test('reads JSON Lines with MaxItems, ItemSelector over the Context object', async () => {
    await put('small/items.jsonl', ['{"v":1}', '{"v":2}', '{"v":3}', '{"v":4}', '{"v":5}'].join('\n'));
    const done = await run(
      map({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL', MaxItems: 3 },
          Parameters: { Bucket: IN, Key: 'small/items.jsonl' },
        },
        ItemSelector: { 'v.$': '$$.Map.Item.Value.v', 'i.$': '$$.Map.Item.Index', 'who.$': '$.who' },
      }),
      { who: 'me' },
    );
    expect([done.status, done.error]).toEqual(['SUCCEEDED', undefined]);
    expect(done.output).toEqual([
      { v: 1, i: 0, who: 'me' },
      { v: 2, i: 1, who: 'me' },
      { v: 3, i: 2, who: 'me' },
    ]);
  }, 300_000);

  test('reads CSV with given headers and MaxItemsPath, in batches of two', async () => {
    await put('small/given.csv', 'a;1\nb;2\nc;3\nd;4\n');
    const done = await run(
      map({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: {
            InputType: 'CSV',
            CSVHeaderLocation: 'GIVEN',
            CSVHeaders: ['name', 'count'],
            CSVDelimiter: 'SEMICOLON',
            MaxItemsPath: '$.limit',
          },
          Parameters: { Bucket: IN, Key: 'small/given.csv' },
        },
        ItemBatcher: { MaxItemsPerBatchPath: '$.per' },
      }),
      { limit: 3, per: 2 },
    );
    expect([done.status, done.error]).toEqual(['SUCCEEDED', undefined]);
    expect(done.output).toEqual([
      {
        Items: [
          { name: 'a', count: '1' },
          { name: 'b', count: '2' },
        ],
      },
      { Items: [{ name: 'c', count: '3' }] },
    ]);
  }, 300_000);

  test('lists objects with s3:listObjectsV2 under a prefix', async () => {
    await put('listed/a.json', '[1]');
    await put('listed/b.json', '[1,2]');
    await put('other/c.json', '[]');
    const done = await run(
      map({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: IN, Prefix: 'listed/' },
        },
        ItemSelector: { 'key.$': '$$.Map.Item.Value.Key', 'size.$': '$$.Map.Item.Value.Size' },
      }),
    );
    expect([done.status, done.error]).toEqual(['SUCCEEDED', undefined]);
    expect(done.output).toEqual([
      { key: 'listed/a.json', size: 3 },
      { key: 'listed/b.json', size: 5 },
    ]);
  }, 300_000);

  test('a JSONata Map reads items with Arguments and selects them with $states.context.Map.Item', async () => {
    await put('jsonata/items.json', JSON.stringify({ rows: [{ x: 10 }, { x: 20 }] }));
    const done = await run(
      {
        QueryLanguage: 'JSONata',
        ...map({
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON', ItemsPointer: '/rows' },
            Arguments: { Bucket: IN, Key: '{% $states.input.key %}' },
          },
          ItemSelector: {
            x: '{% $states.context.Map.Item.Value.x %}',
            i: '{% $states.context.Map.Item.Index %}',
          },
        }),
      },
      { key: 'jsonata/items.json' },
    );
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(done.output).toEqual([
      { x: 10, i: 0 },
      { x: 20, i: 1 },
    ]);
  }, 300_000);

  test('a JSONata Map writes its results to S3 where its ResultWriter Arguments say', async () => {
    const done = await run(
      {
        QueryLanguage: 'JSONata',
        ...map({
          Items: '{% $states.input.items %}',
          ResultWriter: {
            Resource: 'arn:aws:states:::s3:putObject',
            Arguments: { Bucket: OUT, Prefix: '{% $states.input.prefix %}' },
            WriterConfig: { Transformation: 'COMPACT' },
          },
        }),
      },
      { items: [{ a: 1 }, { a: 2 }], prefix: 'jsonata/out' },
    );
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const runId = (done.output.MapRunArn as string).split(':').at(-1);
    expect(done.output.ResultWriterDetails).toEqual({ Bucket: OUT, Key: `jsonata/out/${runId}/manifest.json` });
    expect(JSON.parse(await text(OUT, `jsonata/out/${runId}/SUCCEEDED_0.json`))).toEqual([{ a: 1 }, { a: 2 }]);
  }, 300_000);

  test('a missing object fails with States.ItemReaderFailed, caught by Catch', async () => {
    const done = await run({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemProcessor: PASS,
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { Bucket: IN, Key: 'nowhere.json' },
          },
          Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(done.output.Error).toBe('States.ItemReaderFailed');
    expect(done.output.Cause).toMatch(/^S3 getObject of s3:\/\/items\/nowhere\.json failed: NoSuchKey \(404\)/);
  }, 300_000);

  test('a missing results bucket fails with States.ResultWriterFailed, caught by Catch', async () => {
    const done = await run(
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemProcessor: PASS,
            ItemsPath: '$.items',
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'no-such-bucket' } },
            Catch: [{ ErrorEquals: ['States.ResultWriterFailed'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      { items: [1, 2] },
    );
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(done.output.Error).toBe('States.ResultWriterFailed');
    expect(done.output.Cause).toMatch(/^S3 putObject of s3:\/\/no-such-bucket\/.+ failed: NoSuchBucket \(404\)/);
    // The Map Run fails, as one whose children failed does; then the Map state, then the Catch.
    const events = await history(done.id);
    const types = events.map((event: any) => event.type as string);
    const mapRunFailed = events.find((event: any) => event.type === 'MapRunFailed');
    expect(mapRunFailed?.mapRunFailedEventDetails).toEqual({
      error: 'States.ResultWriterFailed',
      cause: done.output.Cause,
    });
    expect(types.slice(types.indexOf('MapRunStarted'))).toEqual([
      'MapRunStarted',
      'MapRunFailed',
      'MapStateFailed',
      'MapStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  }, 300_000);

  test('without S3 configured, an ItemReader fails with States.ItemReaderFailed saying so', async () => {
    // The run's shared stack has no AWS region, credentials or endpoint in its environment.
    const own = process.env.STEPFLOW_TEST_API_URL;
    delete process.env.STEPFLOW_TEST_API_URL;
    try {
      const done = await run(
        map({
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { Bucket: IN, Key: 'k.json' },
          },
        }),
      );
      expect([done.status, done.error, done.cause]).toEqual([
        'FAILED',
        'States.ItemReaderFailed',
        expect.stringMatching(/^S3 is not configured for this deployment \(.+\): set AWS_REGION and AWS credentials/),
      ]);
      expect(done.cause).toMatch(
        /^S3 is not configured for this deployment \(.+\): set AWS_REGION and AWS credentials/,
      );
    } finally {
      process.env.STEPFLOW_TEST_API_URL = own;
    }
  }, 300_000);
});
