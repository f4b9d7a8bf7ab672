import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
} from '@aws-sdk/client-sfn';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import {
  call,
  createMachine,
  expectCompleteHistory,
  failure,
  history,
  sfnClient,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { childrenOf, MAP_RUN_HISTORY } from './support/map-runs';
import { readStack } from './support/stack';

const ARN = 'arn:aws:states:us-east-1:000000000000';
const lambda = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const executionArn = (id: string) => `${ARN}:execution:${id}`;

const sfn = sfnClient();
let temporal: Client;
let pool: Pool;

beforeAll(async () => {
  const stack = readStack();
  temporal = new Client({
    connection: await Connection.connect({ address: stack.temporalAddress }),
    namespace: stack.namespace,
  });
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await temporal?.connection.close();
});

/** The Map Run ARN the parent's history records. */
async function mapRunArnOf(executionId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = (await history(executionId)).find((e: any) => e.type === 'MapRunStarted');
    if (started) return started.mapRunStartedEventDetails.mapRunArn;
    if (Date.now() > deadline) throw new Error(`no MapRunStarted in ${executionId}`);
    await sleep(200);
  }
}

/** Polls DescribeMapRun until `done` holds for it. */
async function mapRunUntil(mapRunArn: string, done: (run: any) => boolean, timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`map run never reached the condition: ${JSON.stringify(run)}`);
    await sleep(250);
  }
}

/** A processor that fails (`Fail`, error `Bad`) for a batch whose first item has `fail: true`, else returns the batch's numbers. */
const BATCH_PROCESSOR = {
  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.Items[0].fail', BooleanEquals: true, Next: 'Bad' }],
      Default: 'Sum',
    },
    Bad: { Type: 'Fail', Error: 'Bad', Cause: 'bad batch' },
    Sum: {
      Type: 'Pass',
      Parameters: { 'first.$': '$.Items[0].n', 'count.$': 'States.ArrayLength($.Items)', 'tag.$': '$.BatchInput.tag' },
      End: true,
    },
  },
};

describe('Distributed Map as a Map Run of child executions', () => {
  test('runs 300 items in batches of 3 as 100 child executions, failures within tolerance, with a small parent history', async () => {
    const machine = uniqueName('dmap-ok');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'fail.$': '$$.Map.Item.Value.fail' },
          ItemBatcher: { MaxItemsPerBatch: 3, BatchInput: { tag: 'b' } },
          MaxConcurrency: 20,
          ToleratedFailureCount: 5,
          Label: 'fan',
          ItemProcessor: BATCH_PROCESSOR,
          End: true,
        },
      },
    });
    // Batches 10, 20, …, 50 (items 30, 60, …, 150) fail: 5 failures, tolerated.
    const items = Array.from({ length: 300 }, (_, n) => ({ n, fail: n > 0 && n % 30 === 0 && n <= 150 }));
    const id = await startExecution(machine, { items });
    const done = await waitForEnd(id, 240_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toHaveLength(100);
    expect(done.output[0]).toEqual({ first: 0, count: 3, tag: 'b' });
    expect(done.output[99]).toEqual({ first: 297, count: 3, tag: 'b' });
    expect(done.output[10]).toEqual({ Error: 'Bad', Cause: 'bad batch' });
    expect(done.output.filter((result: any) => result.Error === 'Bad')).toHaveLength(5);

    const events = await history(id);
    expect(events.map((e: any) => e.type)).toEqual(MAP_RUN_HISTORY);
    const mapRunArn = events[3].mapRunStartedEventDetails.mapRunArn;
    expect(mapRunArn).toMatch(new RegExp(`^${ARN}:mapRun:${machine}/fan:[0-9a-f-]{36}$`));

    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run).toMatchObject({
      mapRunArn,
      executionArn: executionArn(id),
      status: 'SUCCEEDED',
      maxConcurrency: 20,
      toleratedFailureCount: 5,
      toleratedFailurePercentage: 0,
      redriveCount: 0,
    });
    expect(run.executionCounts).toEqual({
      pending: 0,
      running: 0,
      succeeded: 95,
      failed: 5,
      timedOut: 0,
      aborted: 0,
      total: 100,
      resultsWritten: 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    });
    expect(run.itemCounts).toMatchObject({ succeeded: 285, failed: 15, total: 300, pending: 0 });

    const runs = await sfn.send(new ListMapRunsCommand({ executionArn: executionArn(id) }));
    expect(runs.mapRuns).toEqual([
      expect.objectContaining({
        mapRunArn,
        executionArn: executionArn(id),
        stateMachineArn: `${ARN}:stateMachine:${machine}/fan`,
      }),
    ]);

    const children = await childrenOf(sfn, mapRunArn);
    expect(children).toHaveLength(100);
    expect(children.filter((child) => child.status === 'FAILED')).toHaveLength(5);
    for (const child of children) {
      expect(child.executionArn).toMatch(new RegExp(`^${ARN}:execution:${machine}/fan:[0-9a-f-]{36}$`));
      expect(child.mapRunArn).toBe(mapRunArn);
    }
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: children[0].executionArn }));
    expect(child).toMatchObject({ mapRunArn, stateMachineArn: `${ARN}:stateMachine:${machine}/fan` });
    const childId = children[0].executionArn.slice(`${ARN}:execution:`.length);
    const childEvents = await history(childId);
    expect(childEvents[0].type).toBe('ExecutionStarted');
    expect(childEvents.at(-1).type).toMatch(/^Execution(Succeeded|Failed)$/);

    // The children are not listed with their parent's state machine.
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN}:stateMachine:${machine}` }));
    expect(listed.executions?.map((e) => e.executionArn)).toEqual([executionArn(id)]);
    const rest = await call('GET', `/v1/executions?mapRunArn=${encodeURIComponent(mapRunArn)}&limit=1000`);
    expect(rest.body.executions).toHaveLength(100);
    const restRun = await call('GET', `/v1/map-runs/${encodeURIComponent(mapRunArn)}`);
    expect(restRun.body).toMatchObject({
      mapRunArn,
      status: 'SUCCEEDED',
      executionId: id,
      label: 'fan',
      stateName: 'Fan',
    });
    const restRuns = await call('GET', `/v1/executions/${encodeURIComponent(id)}/map-runs`);
    expect(restRuns.body.mapRuns).toHaveLength(1);

    // The parent's Temporal history holds a handful of events, whatever the item count.
    const parentHistory = await temporal.workflow.getHandle(id).fetchHistory();
    expect(parentHistory.events?.length ?? 0).toBeLessThan(60);
  }, 300_000);

  test('a ResultWriter with only WriterConfig transforms and formats the Map state result', async () => {
    const machine = uniqueName('dmap-writer');
    // State names are unique across the whole definition: each Map's processor names its own.
    const processor = (label: string) => ({
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: `Check-${label}`,
      States: {
        [`Check-${label}`]: {
          Type: 'Choice',
          Choices: [{ Variable: '$.fail', IsPresent: true, Next: `Bad-${label}` }],
          Default: `Out-${label}`,
        },
        [`Bad-${label}`]: { Type: 'Fail', Error: 'Bad', Cause: 'bad item' },
        [`Out-${label}`]: { Type: 'Pass', OutputPath: '$.v', End: true },
      },
    });
    const fan = (label: string, writerConfig: unknown, next: { Next: string } | { End: true }) => ({
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 1,
      ToleratedFailureCount: 1,
      Label: label,
      ItemProcessor: processor(label),
      ResultWriter: { WriterConfig: writerConfig },
      ResultPath: `$.${label}`,
      ...next,
    });
    await createMachine(machine, {
      StartAt: 'Flat',
      States: {
        Flat: fan('flat', { Transformation: 'FLATTEN' }, { Next: 'Lines' }),
        Lines: fan('lines', { Transformation: 'COMPACT', OutputType: 'JSONL' }, { End: true }),
      },
    });
    // The last child's output is large enough to be kept apart from its execution row.
    const large = { k: 4, note: 'naïve '.repeat(1_000) };
    const items = [{ v: [1, 2] }, { v: [3] }, { v: 'x', fail: true }, { v: large }];
    const id = await startExecution(machine, { items });
    const done = await waitForEnd(id, 180_000);
    expect([done.status, done.error, done.cause]).toEqual(['SUCCEEDED', undefined, undefined]);

    // A failed child keeps its whole record (AWS: as with Transformation NONE), whatever the transformation.
    const failedRecord = (label: string) => ({
      Cause: 'bad item',
      Error: 'Bad',
      ExecutionArn: expect.stringMatching(new RegExp(`^${ARN}:execution:${machine}/${label}:[0-9a-f-]{36}$`)),
      Input: '{"v":"x","fail":true}',
      InputDetails: { Included: true },
      Name: expect.stringMatching(/^[0-9a-f-]{36}$/),
      RedriveCount: 0,
      RedriveStatus: 'REDRIVABLE_BY_MAP_RUN',
      StartDate: expect.any(String),
      StateMachineArn: `${ARN}:stateMachine:${machine}/${label}`,
      Status: 'FAILED',
      StopDate: expect.any(String),
    });
    expect(done.output.flat).toEqual([1, 2, 3, failedRecord('flat'), large]);
    expect(typeof done.output.lines).toBe('string');
    const lines = (done.output.lines as string).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual([[1, 2], [3], failedRecord('lines'), large]);

    const [flatRun, linesRun] = (await history(id))
      .filter((e: any) => e.type === 'MapRunStarted')
      .map((e: any) => e.mapRunStartedEventDetails.mapRunArn as string);
    const flat = await sfn.send(new DescribeMapRunCommand({ mapRunArn: flatRun }));
    // Nothing went to an S3 destination: no result counts as written.
    expect(flat.executionCounts).toMatchObject({ succeeded: 3, failed: 1, total: 4, resultsWritten: 0 });
    expect(flat.itemCounts).toMatchObject({ succeeded: 3, failed: 1, total: 4, resultsWritten: 0 });
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn: linesRun }))).status).toBe('SUCCEEDED');
  }, 240_000);

  test('fails with States.ExceedToleratedFailureThreshold once failures pass the tolerance', async () => {
    const machine = uniqueName('dmap-fail');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemBatcher: { MaxItemsPerBatch: 1, BatchInput: { tag: 'x' } },
          ToleratedFailurePercentage: 10,
          MaxConcurrency: 5,
          ItemProcessor: BATCH_PROCESSOR,
          End: true,
        },
      },
    });
    const items = Array.from({ length: 20 }, (_, n) => ({ n, fail: n % 4 === 0 }));
    const id = await startExecution(machine, items);
    const done = await waitForEnd(id, 120_000);
    expect(done).toMatchObject({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    const events = await history(id);
    const failed = events.find((e: any) => e.type === 'MapRunFailed');
    expect(failed.mapRunFailedEventDetails).toEqual({
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    expect(events.map((e: any) => e.type).slice(-3)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn: await mapRunArnOf(id) }));
    expect(run.status).toBe('FAILED');
    expect(run.executionCounts!.failed).toBeGreaterThanOrEqual(3);
  }, 180_000);

  test('UpdateMapRun widens a running Map Run; stopping the parent aborts its children', async () => {
    const machine = uniqueName('dmap-stop');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Hold',
            States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
          },
          End: true,
        },
      },
    });
    const id = await startExecution(
      machine,
      Array.from({ length: 10 }, (_, n) => n),
    );
    const mapRunArn = await mapRunArnOf(id);
    await mapRunUntil(mapRunArn, (run) => run.executionCounts.running === 2);

    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 5, toleratedFailureCount: 3 }));
    const widened = await mapRunUntil(mapRunArn, (run) => run.executionCounts.running === 5);
    expect(widened).toMatchObject({ maxConcurrency: 5, toleratedFailureCount: 3, status: 'RUNNING' });
    expect(widened.executionCounts.pending).toBe(5);

    const bad = await call('PATCH', `/v1/map-runs/${encodeURIComponent(mapRunArn)}`, { maxConcurrency: -1 });
    expect(bad.status).toBe(400);

    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id) }));
    expect((await waitForEnd(id)).status).toBe('ABORTED');
    const stopped = await mapRunUntil(
      mapRunArn,
      (run) => run.status === 'ABORTED' && run.executionCounts.running === 0,
    );
    expect(stopped.executionCounts).toMatchObject({ aborted: 5, pending: 5, total: 10 });
    // As for any state a stop interrupts, the history ends with ExecutionAborted; the Map Run is ABORTED.
    expect((await history(id)).map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'ExecutionAborted',
    ]);

    const late = await call('PATCH', `/v1/map-runs/${encodeURIComponent(mapRunArn)}`, { maxConcurrency: 3 });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('VALIDATION_FAILED');
  }, 180_000);

  test('a redrive of the parent re-runs only the children that failed or never ran', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-dmap-redrive-'));
    fs.writeFileSync(path.join(dir, 'broken-2'), '');
    const machine = uniqueName('dmap-redrive');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemSelector: { 'dir.$': '$.dir', 'step.$': '$$.Map.Item.Value' },
          ItemsPath: '$.steps',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Step',
            States: { Step: { Type: 'Task', Resource: lambda('gated'), End: true } },
          },
          End: true,
        },
      },
    });
    const id = await startExecution(machine, { dir, steps: [0, 1, 2, 3, 4] });
    const failed = await waitForEnd(id, 120_000);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    const mapRunArn = await mapRunArnOf(id);
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts).toMatchObject({
      succeeded: 2,
      failed: 1,
      pending: 2,
    });

    fs.rmSync(path.join(dir, 'broken-2'));
    await sfn.send(new RedriveExecutionCommand({ executionArn: executionArn(id) }));
    const done = await waitForEnd(id, 120_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual([0, 1, 2, 3, 4].map((step) => ({ step })));
    const calls = (step: number) => fs.readFileSync(path.join(dir, `calls-${step}`), 'utf8').split('\n').length - 1;
    expect([0, 1, 2, 3, 4].map(calls)).toEqual([1, 1, 2, 1, 1]);
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(run.executionCounts).toMatchObject({ succeeded: 5, failed: 0, pending: 0, total: 5 });
    expect((await history(id)).map((e: any) => e.type)).toContain('MapRunRedriven');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 240_000);

  test('a Map Run stopped in the middle and redriven re-runs the stopped children, never the succeeded ones', async () => {
    const machine = uniqueName('dmap-stopredrive');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          MaxConcurrency: 4,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Hold',
            States: {
              Hold: { Type: 'Wait', Seconds: 2, Next: 'Tag' },
              Tag: { Type: 'Pass', Parameters: { 'n.$': '$', done: true }, End: true },
            },
          },
          End: true,
        },
      },
    });
    const count = 20;
    const id = await startExecution(
      machine,
      Array.from({ length: count }, (_, n) => n),
    );
    const mapRunArn = await mapRunArnOf(id);
    await mapRunUntil(mapRunArn, (run) => run.executionCounts.succeeded >= 8, 180_000);
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id) }));
    expect((await waitForEnd(id)).status).toBe('ABORTED');
    const stopped = await mapRunUntil(
      mapRunArn,
      (run) => run.status === 'ABORTED' && run.executionCounts.running === 0,
    );
    const { succeeded, aborted, pending } = stopped.executionCounts;
    expect(succeeded).toBeGreaterThanOrEqual(8);
    expect(aborted).toBeGreaterThan(0);
    expect(succeeded + aborted + pending).toBe(count);
    const before = await childrenOf(sfn, mapRunArn);
    const succeededBefore = before.filter((child) => child.status === 'SUCCEEDED');
    expect(succeededBefore).toHaveLength(succeeded);

    await sfn.send(new RedriveExecutionCommand({ executionArn: executionArn(id) }));
    const done = await waitForEnd(id, 180_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual(Array.from({ length: count }, (_, n) => ({ n, done: true })));
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(run.executionCounts).toMatchObject({
      succeeded: count,
      failed: 0,
      aborted: 0,
      running: 0,
      pending: 0,
      total: count,
    });
    // The children that had succeeded were not run again; each stopped or never-started item got one new child.
    const after = await childrenOf(sfn, mapRunArn);
    expect(after).toHaveLength(before.length + count - succeeded);
    for (const child of succeededBefore) {
      expect(after.find((c) => c.executionArn === child.executionArn)?.status).toBe('SUCCEEDED');
    }
    expect(after.filter((child) => child.status === 'ABORTED')).toHaveLength(aborted);
    expect(after.filter((child) => child.status === 'SUCCEEDED')).toHaveLength(count);
    const events = await history(id);
    expectCompleteHistory(events);
    expect(events.map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'ExecutionAborted',
      'ExecutionRedriven',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunRedriven',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  }, 300_000);

  describe('EXPRESS children', () => {
    /** A Map Run of EXPRESS children returning their item, failing (`Bad`) for an item with `fail: true`. */
    const expressFan = (tolerated: number) => ({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          MaxConcurrency: 50,
          ToleratedFailureCount: tolerated,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Check',
            States: {
              Check: {
                Type: 'Choice',
                Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Bad' }],
                Default: 'Ok',
              },
              Bad: { Type: 'Fail', Error: 'Bad', Cause: 'bad item' },
              Ok: { Type: 'Pass', End: true },
            },
          },
          End: true,
        },
      },
    });

    test('run without histories, are not executions one lists or describes, and are counted', async () => {
      const machine = uniqueName('dmap-express');
      await createMachine(machine, expressFan(5));
      const count = 300;
      const items: Array<{ n: number; fail: boolean; note?: string }> = Array.from({ length: count }, (_, n) => ({
        n,
        fail: n % 100 === 50,
      }));
      // One output large enough to be kept apart from its row (the child keeps no history to hold it).
      items[7].note = 'naïve '.repeat(1_000);
      const id = await startExecution(machine, items);
      const done = await waitForEnd(id, 300_000);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toEqual(items.map((item) => (item.fail ? { Error: 'Bad', Cause: 'bad item' } : item)));
      const mapRunArn = await mapRunArnOf(id);
      const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(run.status).toBe('SUCCEEDED');
      expect(run.executionCounts).toMatchObject({ succeeded: 297, failed: 3, pending: 0, running: 0, total: count });
      expect(run.itemCounts).toMatchObject({ succeeded: 297, failed: 3, total: count });

      // Not listed, not described, no history: as AWS runs EXPRESS children.
      expect(await childrenOf(sfn, mapRunArn)).toEqual([]);
      const { rows } = await pool.query<{ execution_id: string; status: string; events: number }>(
        `SELECT e.execution_id, e.status,
                (SELECT count(*)::integer FROM execution_events v WHERE v.execution_id = e.execution_id) AS events
           FROM executions e WHERE e.map_run_arn = $1`,
        [mapRunArn],
      );
      expect(rows).toHaveLength(count);
      expect(rows.reduce((sum, row) => sum + row.events, 0)).toBe(0);
      const child = rows[0].execution_id;
      const described = await failure(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(child) })));
      expect(described.name).toBe('ExecutionDoesNotExist');
      expect((await call('GET', `/v1/executions/${encodeURIComponent(child)}/history`)).status).toBe(404);
      // The parent keeps its own history as with STANDARD children.
      expect((await history(id)).map((e: any) => e.type)).toEqual(MAP_RUN_HISTORY);
    }, 360_000);

    test('failing EXPRESS children count against the tolerance', async () => {
      const machine = uniqueName('dmap-express-fail');
      await createMachine(machine, expressFan(2));
      const items = Array.from({ length: 40 }, (_, n) => ({ n, fail: n % 8 === 0 }));
      const id = await startExecution(machine, items);
      const done = await waitForEnd(id, 180_000);
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
      const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn: await mapRunArnOf(id) }));
      expect(run.status).toBe('FAILED');
      expect(run.executionCounts!.failed).toBeGreaterThanOrEqual(3);
    }, 240_000);
  });
});
