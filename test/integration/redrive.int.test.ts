import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  ListExecutionsCommand,
  RedriveExecutionCommand,
} from '@aws-sdk/client-sfn';
import { call, createMachine, history, startExecution, uniqueName, waitForEnd, sfnClient } from './support/client';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import { readStack, ROOT } from './support/stack';

const fn = 'arn:aws:lambda:us-east-1:000000000000:function:gated';
const sfn = () => sfnClient();
const calls = (dir: string, step: string) =>
  fs.existsSync(path.join(dir, `calls-${step}`))
    ? fs
        .readFileSync(path.join(dir, `calls-${step}`), 'utf8')
        .trim()
        .split('\n').length
    : 0;

const MACHINE = {
  StartAt: 'First',
  States: {
    First: {
      Type: 'Task',
      Resource: fn,
      Parameters: { step: 'first', 'dir.$': '$.dir' },
      ResultPath: '$.first',
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 1,
      ItemSelector: { 'step.$': '$$.Map.Item.Value', 'dir.$': '$.dir' },
      ItemProcessor: {
        StartAt: 'Item',
        States: { Item: { Type: 'Task', Resource: fn, OutputPath: '$.step', End: true } },
      },
      ResultPath: '$.items',
      Next: 'Last',
    },
    Last: {
      Type: 'Task',
      Resource: fn,
      Parameters: { step: 'last', 'dir.$': '$.dir' },
      ResultPath: '$.last',
      End: true,
    },
  },
};

describe('redrive on the real stack', () => {
  test('continues a failed execution from the failed Map iteration without re-running any step that succeeded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-redrive-'));
    fs.writeFileSync(path.join(dir, 'broken-b'), 'yes');
    const machine = uniqueName('redrive');
    await createMachine(machine, MACHINE);
    const id = await startExecution(machine, { dir, items: ['a', 'b', 'c'] });
    const failed = await waitForEnd(id);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Broken', redriveCount: 0 });
    expect([calls(dir, 'first'), calls(dir, 'a'), calls(dir, 'b'), calls(dir, 'c'), calls(dir, 'last')]).toEqual([
      1, 1, 1, 0, 0,
    ]);
    const before = (await history(id)).length;

    fs.rmSync(path.join(dir, 'broken-b'));
    const arn = failed.executionArn as string;
    const { redriveDate } = await sfn().send(new RedriveExecutionCommand({ executionArn: arn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const done = await waitForEnd(id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      output: { dir, items: ['a', 'b', 'c'], first: { step: 'first' }, last: { step: 'last' } },
    });
    // Nothing that succeeded ran again: the first step and item a once, item b twice, c and last once.
    expect([calls(dir, 'first'), calls(dir, 'a'), calls(dir, 'b'), calls(dir, 'c'), calls(dir, 'last')]).toEqual([
      1, 1, 2, 1, 1,
    ]);

    const events = await history(id);
    expect(events.map((e: any) => e.id)).toEqual(events.map((_: unknown, i: number) => i + 1));
    expect(events[before]).toMatchObject({
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(events.slice(before).map((e: any) => e.type)).toEqual([
      'ExecutionRedriven',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const described = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    expect(described.redriveDate).toBeInstanceOf(Date);

    await expect(sfn().send(new RedriveExecutionCommand({ executionArn: arn }))).rejects.toBeInstanceOf(
      ExecutionNotRedrivable,
    );
    const stateMachineArn = described.stateMachineArn;
    const redriven = await sfn().send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: 'REDRIVEN' }));
    const never = await sfn().send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: 'NOT_REDRIVEN' }));
    expect([redriven.executions?.map((e) => e.name), never.executions?.length]).toEqual([[failed.name], 0]);

    // The redriven run's Temporal history replays through the current bundle (and is kept).
    const connection = await Connection.connect({ address: readStack().temporalAddress });
    try {
      const temporalHistory = await new Client({ connection, namespace: readStack().namespace }).workflow
        .getHandle(id)
        .fetchHistory();
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, temporalHistory, id),
      ).resolves.toBeUndefined();
      const file = path.join(ROOT, 'test', 'replay', 'histories', 'redriven-map.history.bin');
      if (process.env.RECORD_HISTORIES && !fs.existsSync(file))
        fs.writeFileSync(file, temporal.api.history.v1.History.encode(temporalHistory).finish());
    } finally {
      await connection.close();
    }
  });

  test('redrives a stopped execution from the state it was stopped in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-redrive-stop-'));
    const machine = uniqueName('redrive-stop');
    await createMachine(machine, {
      StartAt: 'First',
      States: {
        First: {
          Type: 'Task',
          Resource: fn,
          Parameters: { step: 'first', 'dir.$': '$.dir' },
          ResultPath: '$.first',
          Next: 'Hold',
        },
        Hold: { Type: 'Wait', Seconds: 1, Next: 'Last' },
        Last: {
          Type: 'Task',
          Resource: fn,
          Parameters: { step: 'last', 'dir.$': '$.dir' },
          ResultPath: '$.last',
          End: true,
        },
      },
    });
    const id = await startExecution(machine, { dir });
    const deadline = Date.now() + 30_000;
    while (!(await history(id)).some((e: any) => e.type === 'WaitStateEntered') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await call('POST', `/v1/executions/${encodeURIComponent(id)}/stop`, {})).body.status).toBe('ABORTED');
    let redriven = await call('POST', `/v1/executions/${encodeURIComponent(id)}/redrive`);
    for (let i = 0; redriven.status === 409 && i < 50; i++) {
      // The stop is still being recorded by the workflow.
      await new Promise((r) => setTimeout(r, 100));
      redriven = await call('POST', `/v1/executions/${encodeURIComponent(id)}/redrive`);
    }
    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
    const done = await waitForEnd(id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: { dir, first: { step: 'first' }, last: { step: 'last' } },
    });
    expect([calls(dir, 'first'), calls(dir, 'last')]).toEqual([1, 1]);
  });
});
