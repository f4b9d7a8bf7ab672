import { call, createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';

/** Pass → Task (lambda:invoke, a function from FUNCTIONS_DIR) → Succeed, with data flow. */
const SLICE = {
  Comment: 'the first slice',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { a: 2, b: 40 }, ResultPath: '$.numbers', Next: 'Add' },
    Add: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'add', 'Payload.$': '$.numbers' },
      ResultSelector: { 'sum.$': '$.Payload.sum' },
      ResultPath: '$.result',
      OutputPath: '$.result',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const FAILING = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:boom',
      Parameters: { errorName: 'PaymentDeclined', message: 'card expired' },
      End: true,
    },
  },
};

describe('first slice on the real stack', () => {
  test('runs Pass → Task → Succeed with Parameters, ResultSelector, ResultPath and OutputPath when started over HTTP', async () => {
    const machine = uniqueName('slice');
    await createMachine(machine, SLICE);
    const id = await startExecution(machine, { order: 7 });
    const done = await waitForEnd(id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      input: { order: 7 },
      output: { sum: 42 },
      stateMachine: machine,
    });
    expect(typeof done.startDate).toBe('string');
    expect(Date.parse(done.stopDate)).toBeGreaterThanOrEqual(Date.parse(done.startDate));

    const events = await history(id);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // As AWS records it: the first state entered links to event 0, not to ExecutionStarted.
    expect(events.map((e) => e.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const event of events) expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
    expect(events[2].stateExitedEventDetails).toEqual({
      name: 'Prepare',
      output: JSON.stringify({ order: 7, numbers: { a: 2, b: 40 } }),
      outputDetails: { truncated: false },
      // The data-flow stages of the state, a Stepflow extension (docs/history-extensions.md).
      stepflow: { inspection: { result: { a: 2, b: 40 }, afterResultPath: { order: 7, numbers: { a: 2, b: 40 } } } },
    });
    expect(events[4].taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: 'add', Payload: { a: 2, b: 40 } }),
    });
    expect(JSON.parse(events[6].taskSucceededEventDetails.output).Payload).toEqual({ sum: 42 });
    expect(events[7].stateExitedEventDetails.output).toBe(JSON.stringify({ sum: 42 }));
    expect(events[10].executionSucceededEventDetails.output).toBe(JSON.stringify({ sum: 42 }));
  });

  test('ends FAILED with the thrown error name and Lambda-shaped cause when the function throws', async () => {
    const machine = uniqueName('failing');
    await createMachine(machine, FAILING);
    const id = await startExecution(machine, {});
    const done = await waitForEnd(id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('PaymentDeclined');
    expect(JSON.parse(done.cause)).toMatchObject({ errorType: 'PaymentDeclined', errorMessage: 'card expired' });
    expect(done.output).toBeUndefined();
    const events = await history(id);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
    expect(events[5].executionFailedEventDetails).toEqual({ error: 'PaymentDeclined', cause: done.cause });
  });

  test('answers 400 with every problem and its JSON pointer when the definition is invalid', async () => {
    const reply = await call('POST', '/v1/state-machines', {
      name: uniqueName('bad'),
      definition: { StartAt: 'Nowhere', States: { A: { Type: 'Pass', Next: 'Missing' } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_DEFINITION');
    const pointers = reply.body.problems.map((p: { path: string }) => p.path).sort();
    expect(pointers).toEqual(expect.arrayContaining(['/StartAt', '/States/A/Next']));
  });

  test('accepts the definition as a JSON string when it is sent as text', async () => {
    const name = uniqueName('text');
    const reply = await call('POST', '/v1/state-machines', { name, definition: JSON.stringify(SLICE) });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ name, version: 1, definition: SLICE });
  });

  test('keeps one immutable version per distinct definition when a machine is updated', async () => {
    const name = uniqueName('versions');
    const first = await call('POST', '/v1/state-machines', { name, definition: SLICE });
    const again = await call('POST', '/v1/state-machines', { name, definition: SLICE });
    const changed = await call('POST', '/v1/state-machines', { name, definition: FAILING });
    expect([first.status, first.body.version]).toEqual([201, 1]);
    expect([again.status, again.body.version]).toEqual([200, 1]);
    expect([changed.status, changed.body.version]).toEqual([201, 2]);
  });

  test('returns the same execution for the same name and input while it runs, and 409 for another input', async () => {
    const machine = uniqueName('idem');
    await createMachine(machine, { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 2, End: true } } });
    const first = await call('POST', `/v1/state-machines/${machine}/executions`, { name: 'once', input: { x: 1 } });
    const same = await call('POST', `/v1/state-machines/${machine}/executions`, { name: 'once', input: { x: 1 } });
    const other = await call('POST', `/v1/state-machines/${machine}/executions`, { name: 'once', input: { x: 2 } });
    expect(first.status).toBe(201);
    expect(same.status).toBe(200);
    expect(same.body.executionId).toBe(first.body.executionId);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('EXECUTION_ALREADY_EXISTS');
  });

  test('answers 404 and 400 with a field path for unknown machines and bad requests', async () => {
    const missing = await call('POST', '/v1/state-machines/no-such-machine/executions', { input: {} });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('STATE_MACHINE_NOT_FOUND');
    const badName = await call('POST', '/v1/state-machines', { name: 'has space', definition: SLICE });
    expect(badName.status).toBe(400);
    expect(badName.body.problems).toEqual([expect.objectContaining({ path: '/body/name' })]);
    const unknown = await call('GET', '/v1/executions/nope:nope');
    expect(unknown.status).toBe(404);
  });
});
