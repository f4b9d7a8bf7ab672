import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateActivityCommand,
  GetActivityTaskCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { call, createMachine, history, startExecution, uniqueName, waitForEnd, sfnClient } from './support/client';

const sfn = () => sfnClient();

/** A machine whose Task hands its token to `take-token` and waits for SendTask*. */
function callbackMachine(extra: Record<string, unknown> = {}) {
  return {
    StartAt: 'Wait for approval',
    States: {
      'Wait for approval': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'take-token', Payload: { 'token.$': '$$.Task.Token', 'dir.$': '$.dir' } },
        ResultPath: '$.approval',
        ...extra,
        End: true,
      },
      ...(extra.Catch ? { Denied: { Type: 'Pass', End: true } } : {}),
    },
  };
}

async function tokenIn(dir: string): Promise<string> {
  const file = path.join(dir, 'token');
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error('no token handed out');
    await sleep(50);
  }
  return fs.readFileSync(file, 'utf8');
}

describe('task tokens and activities', () => {
  test('resumes a .waitForTaskToken Task with SendTaskSuccess and refuses the token afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-token-'));
    const machine = uniqueName('callback');
    await createMachine(machine, callbackMachine());
    const id = await startExecution(machine, { dir });
    const token = await tokenIn(dir);
    expect(token).toMatch(/^sf1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    await sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    const done = await waitForEnd(id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { dir, approval: { approved: true } } });
    const types = (await history(id)).map((e: any) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  test('refuses a forged token with InvalidToken', async () => {
    const forged = `sf1.${Buffer.from(JSON.stringify({ e: 'x:y', n: 'abc' })).toString('base64url')}.AAAA`;
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' }))).rejects.toBeInstanceOf(
      InvalidToken,
    );
  });

  test('fails the Task with the error and cause of SendTaskFailure, which Catch handles', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-token-'));
    const machine = uniqueName('callback-fail');
    await createMachine(
      machine,
      callbackMachine({ Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.why', Next: 'Denied' }] }),
    );
    const id = await startExecution(machine, { dir });
    await sfn().send(
      new SendTaskFailureCommand({ taskToken: await tokenIn(dir), error: 'Rejected', cause: 'over budget' }),
    );
    const done = await waitForEnd(id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: { dir, why: { Error: 'Rejected', Cause: 'over budget' } },
    });
  });

  test('keeps a Task alive with SendTaskHeartbeat and times it out with States.HeartbeatTimeout when they stop', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-token-'));
    const machine = uniqueName('callback-heartbeat');
    await createMachine(machine, callbackMachine({ HeartbeatSeconds: 2, TimeoutSeconds: 60 }));
    const id = await startExecution(machine, { dir });
    const token = await tokenIn(dir);
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      await sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect((await waitForEnd(id)).status).toBe('FAILED');
    const done = await waitForEnd(id);
    expect(done.error).toBe('States.HeartbeatTimeout');
    const started = Date.parse(done.startDate);
    expect(Date.parse(done.stopDate) - started).toBeGreaterThanOrEqual(4000);
  });

  test('gives an activity task to exactly one of several pollers and completes the execution with its answer', async () => {
    const activity = uniqueName('approvals');
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: activity }));
    const machine = uniqueName('activity');
    await createMachine(machine, {
      StartAt: 'Review',
      States: { Review: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 60, End: true } },
    });
    const id = await startExecution(machine, { doc: 42 });
    // Three workers poll at once (REST long poll, 3 s); exactly one gets the task.
    const polls = await Promise.all(
      ['w1', 'w2', 'w3'].map((workerName) =>
        call('POST', `/v1/activities/${activity}/poll`, { workerName, waitSeconds: 3 }),
      ),
    );
    const got = polls.filter((p) => p.body.taskToken);
    expect(got).toHaveLength(1);
    expect(got[0].body.input).toEqual({ doc: 42 });
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: got[0].body.taskToken, output: JSON.stringify({ ok: 'reviewed' }) }),
    );
    expect(await waitForEnd(id)).toMatchObject({ status: 'SUCCEEDED', output: { ok: 'reviewed' } });
    const events = await history(id);
    expect(events.map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[3].activityStartedEventDetails.workerName).toMatch(/^w[123]$/);
  });

  test('hands a queued activity task to GetActivityTask through the AWS SDK', async () => {
    const activity = uniqueName('sdk-worker');
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: activity }));
    const machine = uniqueName('activity-sdk');
    await createMachine(machine, {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, ResultPath: '$.result', End: true } },
    });
    const id = await startExecution(machine, { n: 1 });
    const task = await sfn().send(new GetActivityTaskCommand({ activityArn, workerName: 'sdk' }));
    expect(JSON.parse(task.input as string)).toEqual({ n: 1 });
    await sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"done"' }));
    expect(await waitForEnd(id)).toMatchObject({ status: 'SUCCEEDED', output: { n: 1, result: 'done' } });
  });

  test('times out an activity task nobody takes with States.Timeout', async () => {
    const activity = uniqueName('ignored');
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: activity }));
    const machine = uniqueName('activity-timeout');
    await createMachine(machine, {
      StartAt: 'Review',
      States: { Review: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 2, End: true } },
    });
    const done = await waitForEnd(await startExecution(machine, {}));
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect((await history(done.executionId)).map((e: any) => e.type)).toContain('ActivityTimedOut');
  });
});
