import { setTimeout as sleep } from 'node:timers/promises';
import { call, createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const machineArn = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
const executionArn = (machine: string, name: string) =>
  `arn:aws:states:us-east-1:000000000000:execution:${machine}:${name}`;

/** Polls the history until an event of `type` appears; returns it. */
async function waitForEvent(id: string, type: string): Promise<any> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    // The child may not exist yet (404): keep polling until it does and the event is written.
    const exists = (await call('GET', `/v1/executions/${encodeURIComponent(id)}`)).status === 200;
    const found = exists ? (await history(id)).find((e: any) => e.type === type) : undefined;
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${type} in ${id}`);
    await sleep(100);
  }
}

/** A child machine that adds `a` and `b` with the `add` function. */
async function adder(): Promise<string> {
  const name = uniqueName('child-add');
  await createMachine(name, { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: fn('add'), End: true } } });
  return name;
}

describe('nested executions (states:startExecution)', () => {
  test('returns the child description with JSON Input/Output when .sync:2 succeeds', async () => {
    const child = await adder();
    const parent = uniqueName('parent-sync2');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: {
            StateMachineArn: machineArn(child),
            Name: 'kid',
            Input: { 'a.$': '$.a', b: 2, 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
          },
          End: true,
        },
      },
    });
    const id = await startExecution(parent, { a: 40 });
    const done = await waitForEnd(id);
    expect(done.status).toBe('SUCCEEDED');
    const started = `arn:aws:states:us-east-1:000000000000:execution:${id}`;
    expect(done.output).toEqual({
      ExecutionArn: executionArn(child, 'kid'),
      Input: { a: 40, b: 2, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: started },
      InputDetails: { Included: true },
      Name: 'kid',
      Output: { sum: 42 },
      OutputDetails: { Included: true },
      StartDate: expect.any(Number),
      StateMachineArn: machineArn(child),
      Status: 'SUCCEEDED',
      StopDate: expect.any(Number),
    });
    const described = await call('GET', `/v1/executions/${encodeURIComponent(`${child}:kid`)}`);
    expect(described.body).toMatchObject({ status: 'SUCCEEDED', output: { sum: 42 }, name: 'kid' });
    expect(Date.parse(described.body.startDate)).toBe(done.output.StartDate);
    const childEvents = await history(`${child}:kid`);
    expect(childEvents.map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const events = await history(id);
    expect(events.map((e: any) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2].taskScheduledEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    expect(JSON.parse(events[4].taskSubmittedEventDetails.output)).toEqual({
      ExecutionArn: executionArn(child, 'kid'),
      StartDate: done.output.StartDate,
    });
  });

  test('fails the parent Task with States.TaskFailed and the child description as cause when the .sync child fails', async () => {
    const child = uniqueName('child-fails');
    await createMachine(child, {
      StartAt: 'Bad',
      States: { Bad: { Type: 'Fail', Error: 'ChildBroke', Cause: 'no luck' } },
    });
    const parent = uniqueName('parent-sync');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: machineArn(child), Input: { x: 1 } },
          End: true,
        },
      },
    });
    const id = await startExecution(parent, {});
    const done = await waitForEnd(id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    const cause = JSON.parse(done.cause);
    expect(cause).toMatchObject({
      Cause: 'no luck',
      Error: 'ChildBroke',
      Input: '{"x":1}',
      Status: 'FAILED',
      StateMachineArn: machineArn(child),
    });
    expect(cause.Output).toBeUndefined();
    const childId = `${child}:${cause.Name}`;
    expect((await call('GET', `/v1/executions/${encodeURIComponent(childId)}`)).body).toMatchObject({
      status: 'FAILED',
      error: 'ChildBroke',
    });
    const types = (await history(id)).map((e: any) => e.type);
    expect(types.slice(2, 6)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed']);
  });

  test('returns ExecutionArn and StartDate at once and lets the child run on when startExecution is plain', async () => {
    const child = uniqueName('child-slow');
    await createMachine(child, { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 2, End: true } } });
    const parent = uniqueName('parent-fire');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: machineArn(child), Name: 'bg', Input: { v: 1 } },
          End: true,
        },
      },
    });
    const id = await startExecution(parent, {});
    const done = await waitForEnd(id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: { ExecutionArn: executionArn(child, 'bg'), StartDate: expect.any(Number) },
    });
    expect(await waitForEnd(`${child}:bg`)).toMatchObject({ status: 'SUCCEEDED', output: { v: 1 } });
  });

  test('stops the running child (ABORTED) when the parent is stopped', async () => {
    const child = uniqueName('child-long');
    await createMachine(child, { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 300, End: true } } });
    const parent = uniqueName('parent-stopped');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: machineArn(child), Name: 'long' },
          End: true,
        },
      },
    });
    const id = await startExecution(parent, {});
    // The parent's TaskSubmitted is written when the Task ends; the child's own history shows it runs.
    await waitForEvent(`${child}:long`, 'WaitStateEntered');
    const stopped = await call('POST', `/v1/executions/${encodeURIComponent(id)}/stop`, {
      error: 'Manual',
      cause: 'test',
    });
    expect(stopped.body.status).toBe('ABORTED');
    const childEnd = await waitForEnd(`${child}:long`, 30_000);
    expect(childEnd.status).toBe('ABORTED');
    const childTypes = (await history(`${child}:long`)).map((e: any) => e.type);
    expect(childTypes.at(-1)).toBe('ExecutionAborted');
  });

  test('stops the child and fails with States.Timeout when the .sync Task passes its TimeoutSeconds', async () => {
    const child = uniqueName('child-late');
    await createMachine(child, { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 300, End: true } } });
    const parent = uniqueName('parent-timeout');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: machineArn(child), Name: 'late' },
          TimeoutSeconds: 1,
          End: true,
        },
      },
    });
    const id = await startExecution(parent, {});
    expect(await waitForEnd(id)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect((await waitForEnd(`${child}:late`, 30_000)).status).toBe('ABORTED');
    const types = (await history(id)).map((e: any) => e.type);
    expect(types.slice(2, 5)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskTimedOut']);
  });

  test('ends the Task with what SendTaskSuccess sends when the child got the token (.waitForTaskToken)', async () => {
    const child = uniqueName('child-token');
    await createMachine(child, { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 300, End: true } } });
    const parent = uniqueName('parent-token');
    await createMachine(parent, {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
          Parameters: { StateMachineArn: machineArn(child), Name: 'holder', Input: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    const id = await startExecution(parent, {});
    await waitForEvent(`${child}:holder`, 'WaitStateEntered');
    const described = await call('GET', `/v1/executions/${encodeURIComponent(`${child}:holder`)}`);
    const sent = await call('POST', '/v1/task-tokens/success', {
      taskToken: described.body.input.token,
      output: { answer: 42 },
    });
    expect(sent.status).toBe(200);
    expect(await waitForEnd(id)).toMatchObject({ status: 'SUCCEEDED', output: { answer: 42 } });
    await call('POST', `/v1/executions/${encodeURIComponent(`${child}:holder`)}/stop`, {});
  });
});
