import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Creates a machine, runs it on `input` and returns the final description. */
async function run(definition: unknown, input: unknown): Promise<any> {
  const machine = uniqueName('lang');
  await createMachine(machine, definition);
  return waitForEnd(await startExecution(machine, input));
}

describe('the language on the real stack', () => {
  test('keeps the history whole when a sibling fails before the Task of another branch was delivered', async () => {
    const done = await run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: fn('sleep'), End: true } } },
              { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'at once' } } },
            ],
            End: true,
          },
        },
      },
      { ms: 5_000 },
    );
    expect(done).toMatchObject({ status: 'FAILED', error: 'Boom' });
    const events = await history(done.executionId);
    expectCompleteHistory(events);
    expect(events.slice(0, 4).map((event: any) => event.type)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'TaskStateEntered',
    ]);
  });

  test('routes through Choice and Wait and ends in Fail with ErrorPath and CausePath when the rule matches', async () => {
    const done = await run(
      {
        StartAt: 'Route',
        States: {
          Route: {
            Type: 'Choice',
            Choices: [
              {
                And: [
                  { Variable: '$.amount', NumericGreaterThan: 100 },
                  { Not: { Variable: '$.vip', BooleanEquals: true } },
                ],
                Next: 'Hold',
              },
            ],
            Default: 'Ok',
          },
          Hold: { Type: 'Wait', SecondsPath: '$.hold', Next: 'Reject' },
          Reject: { Type: 'Fail', ErrorPath: '$.code', CausePath: '$.why' },
          Ok: { Type: 'Succeed' },
        },
      },
      { amount: 250, vip: false, hold: 1, code: 'Rejected', why: 'amount over limit' },
    );
    expect(done).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'amount over limit' });
    const events = await history(done.executionId);
    expect(events.map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    const waited = Date.parse(events[4].timestamp) - Date.parse(events[3].timestamp);
    expect(waited).toBeGreaterThanOrEqual(1000);
  });

  test('retries with real durable timers and succeeds when the function recovers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-retry-'));
    const done = await run(
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: fn('flaky'),
            Retry: [
              { ErrorEquals: ['Other'], MaxAttempts: 5 },
              { ErrorEquals: ['Flaky'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
            ],
            End: true,
          },
        },
      },
      { dir, failures: 2 },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { calls: 3 } });
    const events = await history(done.executionId);
    const types = events.map((e: any) => e.type);
    expect(types.filter((t: string) => t === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types.filter((t: string) => t === 'LambdaFunctionScheduled')).toHaveLength(3);
    const scheduled = events
      .filter((e: any) => e.type === 'LambdaFunctionScheduled')
      .map((e: any) => Date.parse(e.timestamp));
    expect(scheduled[1] - scheduled[0]).toBeGreaterThanOrEqual(1000);
    expect(scheduled[2] - scheduled[1]).toBeGreaterThanOrEqual(2000);
  });

  test('catches an exhausted retry into the error output placed by ResultPath when a catcher matches', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-catch-'));
    const done = await run(
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: fn('flaky'),
            Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Recover' }],
            End: true,
          },
          Recover: { Type: 'Pass', Parameters: { 'recovered.$': '$.error.Error' }, End: true },
        },
      },
      { dir, failures: 5 },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { recovered: 'Flaky' } });
  });

  test('runs Parallel branches and a Map with MaxConcurrency, results in input order', async () => {
    const done = await run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Sum',
                States: {
                  Sum: {
                    Type: 'Task',
                    Resource: fn('add'),
                    Parameters: { 'a.$': '$.x', 'b.$': '$.y' },
                    OutputPath: '$.sum',
                    End: true,
                  },
                },
              },
              {
                StartAt: 'Each',
                States: {
                  Each: {
                    Type: 'Map',
                    ItemsPath: '$.items',
                    MaxConcurrency: 2,
                    ItemSelector: { 'a.$': '$$.Map.Item.Value', 'b.$': '$$.Map.Item.Index' },
                    ItemProcessor: {
                      StartAt: 'Add',
                      States: { Add: { Type: 'Task', Resource: fn('add'), OutputPath: '$.sum', End: true } },
                    },
                    End: true,
                  },
                },
              },
            ],
            ResultSelector: { 'sum.$': '$[0]', 'mapped.$': '$[1]' },
            End: true,
          },
        },
      },
      { x: 1, y: 2, items: [10, 20, 30, 40, 50] },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { sum: 3, mapped: [10, 21, 32, 43, 54] } });
    const types = (await history(done.executionId)).map((e: any) => e.type);
    expect(types.filter((t: string) => t === 'MapIterationStarted')).toHaveLength(5);
    expect(types.filter((t: string) => t === 'MapIterationSucceeded')).toHaveLength(5);
    expect(types).toEqual(
      expect.arrayContaining([
        'ParallelStateStarted',
        'ParallelStateSucceeded',
        'MapStateStarted',
        'MapStateSucceeded',
      ]),
    );
  });

  test('fails the Parallel state with the branch error when one branch fails', async () => {
    const done = await run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 30, End: true } } },
              { StartAt: 'Bad', States: { Bad: { Type: 'Fail', Error: 'Broken', Cause: 'branch two' } } },
            ],
            End: true,
          },
        },
      },
      {},
    );
    expect(done).toMatchObject({ status: 'FAILED', error: 'Broken', cause: 'branch two' });
    expect(Date.parse(done.stopDate) - Date.parse(done.startDate)).toBeLessThan(30_000);
  });

  test('cancels the running function of a sibling branch when another branch fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-cancel-'));
    const done = await run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: fn('sleep'), End: true } } },
              {
                StartAt: 'Pause',
                States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Bad' }, Bad: { Type: 'Fail', Error: 'Broken' } },
              },
            ],
            End: true,
          },
        },
      },
      { ms: 60_000, dir },
    );
    expect(done).toMatchObject({ status: 'FAILED', error: 'Broken' });
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(path.join(dir, 'cancelled')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(fs.readFileSync(path.join(dir, 'cancelled'), 'utf8')).toBe('yes');
  });

  test('finishes a 10,000-iteration Pass/Choice loop and carries a 200 KiB payload through a Task', async () => {
    const loop = await run(
      {
        StartAt: 'Count',
        States: {
          Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again' },
          Again: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericLessThan: 10000, Next: 'Count' }],
            Default: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      { n: 0 },
    );
    expect(loop).toMatchObject({ status: 'SUCCEEDED', output: { n: 10000 } });
    expect(await history(loop.executionId)).toHaveLength(1 + 10000 * 4 + 2 + 1);

    const blob = 'p'.repeat(200 * 1024);
    const big = await run(
      {
        StartAt: 'First',
        States: {
          First: { Type: 'Pass', Next: 'Echo' },
          Echo: { Type: 'Task', Resource: fn('echo'), Next: 'Again' },
          Again: { Type: 'Task', Resource: fn('echo'), Next: 'Last' },
          Last: { Type: 'Pass', Next: 'Done' },
          Done: { Type: 'Succeed' },
        },
      },
      { blob },
    );
    expect(big).toMatchObject({ status: 'SUCCEEDED', output: { blob } });
  }, 180_000);

  test('times out a Task with States.Timeout when the function outlives TimeoutSeconds', async () => {
    const done = await run(
      { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: fn('sleep'), TimeoutSeconds: 1, End: true } } },
      { ms: 20_000 },
    );
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const types = (await history(done.executionId)).map((e: any) => e.type);
    expect(types).toContain('LambdaFunctionTimedOut');
  });

  test('ends TIMED_OUT when the machine outlives its TimeoutSeconds', async () => {
    const done = await run(
      { TimeoutSeconds: 1, StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 60, End: true } } },
      {},
    );
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const types = (await history(done.executionId)).map((e: any) => e.type);
    expect(types[types.length - 1]).toBe('ExecutionTimedOut');
  });

  test('stops a running execution as ABORTED with the given error and cause when StopExecution is called', async () => {
    const machine = uniqueName('stop');
    await createMachine(machine, {
      StartAt: 'Slow',
      States: { Slow: { Type: 'Task', Resource: fn('sleep'), End: true } },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-stop-'));
    const id = await startExecution(machine, { ms: 60_000, dir });
    const deadline = Date.now() + 30_000;
    while (!(await history(id)).some((e: any) => e.type === 'LambdaFunctionScheduled') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stopped = await call('POST', `/v1/executions/${encodeURIComponent(id)}/stop`, {
      error: 'Operator',
      cause: 'no longer needed',
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'no longer needed' });
    const end = Date.now() + 30_000;
    let events = await history(id);
    while (!events.some((e: any) => e.type === 'ExecutionAborted') && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await history(id);
    }
    expect(events[events.length - 1]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Operator', cause: 'no longer needed' },
    });
    expect((await waitForEnd(id)).status).toBe('ABORTED');
    // The running function saw the cancellation (through its activity's heartbeats).
    const until = Date.now() + 20_000;
    while (!fs.existsSync(path.join(dir, 'cancelled')) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(fs.readFileSync(path.join(dir, 'cancelled'), 'utf8')).toBe('yes');
  });
});
