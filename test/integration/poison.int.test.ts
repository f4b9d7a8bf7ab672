import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { startOwnStack, type OwnStack } from './support/own-stack';

/**
 * Poison executions, on a stack of their own (without the bounds, several of these crash the
 * worker): each must end with a `States.*` error or its own status, without stalling the others.
 */
describe('poison executions', () => {
  let own: OwnStack;
  let temporal: Client;
  const saved = { ...process.env };

  beforeAll(async () => {
    // The API terminates a stopped workflow that did not close after 2 s (default 10 s).
    process.env.STEPFLOW_STOP_GRACE_SECONDS = '2';
    own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
    temporal = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
  }, 180_000);

  afterAll(async () => {
    process.env = saved;
    await temporal?.connection.close();
    await own?.destroy();
  }, 60_000);

  async function run(definition: unknown, input: unknown = {}, timeoutMs = 90_000) {
    const machine = uniqueName('poison');
    await createMachine(machine, definition);
    const executionId = await startExecution(machine, input);
    return { executionId, described: await waitForEnd(executionId, timeoutMs) };
  }

  test('a catastrophic-backtracking regex fails nothing and stalls nobody when JSONata runs it', async () => {
    const redos = {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: { M: { Type: 'Pass', Output: '{% $count($match($states.input.s, /(a+)+$/)) %}', End: true } },
    };
    const machine = uniqueName('redos');
    await createMachine(machine, redos);
    const poisoned = await startExecution(machine, { s: `${'a'.repeat(40)}!` });
    const bystander = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'fine', End: true } } });
    expect(bystander.described).toMatchObject({ status: 'SUCCEEDED', output: 'fine' });
    // RE2 answers at once: no match.
    expect(await waitForEnd(poisoned)).toMatchObject({ status: 'SUCCEEDED', output: 0 });
  });

  test('a regex RE2 cannot run fails the execution with States.QueryEvaluationError', async () => {
    const { described } = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: { M: { Type: 'Pass', Output: '{% $match("aa", /(a)\\1/) %}', End: true } },
    });
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.QueryEvaluationError');
    expect(described.cause).toContain('is not supported: Stepflow matches in linear time');
  });

  test('a Map over [1..100000] with MaxConcurrency 0 fails with States.Runtime and the worker keeps serving', async () => {
    const { described, executionId } = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..100000] %}',
          MaxConcurrency: 0,
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    });
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toContain('The Map state has 100000 items; an inline Map iterates over at most 40000');
    expectCompleteHistory(await history(executionId));
    const after = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, End: true } } });
    expect(after.described.status).toBe('SUCCEEDED');
  });

  test('a Map of 2,500 Pass iterations with MaxConcurrency 0 runs through the branch window', async () => {
    const { described, executionId } = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..2500] %}',
          MaxConcurrency: 0,
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          Output: '{% $sum($states.result) %}',
          End: true,
        },
      },
    });
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: 3_126_250 });
    const events = await history(executionId);
    expectCompleteHistory(events);
    expect(events.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(2500);
  });

  test('States.StringToJson of a 10,000-deep text fails the execution with States.IntrinsicFailure', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const { described, executionId } = await run(
      { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'v.$': 'States.StringToJson($.s)' }, End: true } } },
      { s: deep },
    );
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.IntrinsicFailure');
    expect(described.cause).toBe(
      'The intrinsic function States.StringToJson failed: the JSON is nested deeper than 256 levels',
    );
    expect((await history(executionId)).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'ExecutionFailed',
    ]);
  });

  const LOOP = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'A' },
      Done: { Type: 'Succeed' },
    },
  };

  test('a tight Pass/Choice loop times out with States.Timeout', async () => {
    const { described, executionId } = await run({ ...LOOP, TimeoutSeconds: 3 });
    expect(described).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const events = await history(executionId);
    expectCompleteHistory(events);
    expect(events.at(-1).type).toBe('ExecutionTimedOut');
  });

  test('a loop fails with States.Runtime when its history passes the MaxHistoryEvents cap', async () => {
    const { described, executionId } = await run({ ...LOOP, MaxHistoryEvents: 3000 });
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toBe(
      'The execution exceeded its limit of 3000 history events (MaxHistoryEvents / STEPFLOW_MAX_HISTORY_EVENTS)',
    );
    const events = await history(executionId);
    expectCompleteHistory(events);
    // ExecutionStarted, 1,500 states of two events (event 3001 passes the cap), ExecutionFailed.
    expect(events).toHaveLength(3002);
  });

  test('the validator refuses a negative MaxHistoryEvents', async () => {
    const reply = await call('POST', '/v1/state-machines', {
      name: uniqueName('cap'),
      definition: { ...LOOP, MaxHistoryEvents: -1 },
    });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain("The field 'MaxHistoryEvents' must be a non-negative integer");
  });

  async function abortedEvents(executionId: string): Promise<any[]> {
    return (await history(executionId)).filter((e) => e.type === 'ExecutionAborted');
  }

  test('stopping a tight loop closes its workflow and records ExecutionAborted once', async () => {
    const machine = uniqueName('loop');
    await createMachine(machine, LOOP);
    const executionId = await startExecution(machine, {});
    await sleep(500);
    expect(
      (await call('POST', `/v1/executions/${encodeURIComponent(executionId)}/stop`, { error: 'E', cause: 'enough' }))
        .status,
    ).toBe(200);
    await waitForClosed(executionId);
    const described = await temporal.workflow.getHandle(executionId).describe();
    // The workflow saw the stop itself (the loop yields) and completed.
    expect(described.status.name).toBe('COMPLETED');
    const events = await history(executionId);
    expectCompleteHistory(events);
    expect(await abortedEvents(executionId)).toEqual([
      expect.objectContaining({ executionAbortedEventDetails: { error: 'E', cause: 'enough' } }),
    ]);
    expect(events.at(-1).type).toBe('ExecutionAborted');
  });

  /** Waits until the execution's Temporal workflow is closed. */
  async function waitForClosed(executionId: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await temporal.workflow.getHandle(executionId).describe();
      if (status.name !== 'RUNNING') return status.name;
      if (Date.now() > deadline) throw new Error(`workflow ${executionId} still running`);
      await sleep(250);
    }
  }

  /**
   * An execution whose workflow task fails every time: a stored execution whose workflow is
   * replaced by one started with an input the workflow cannot read (what a poison input does).
   */
  async function stuckExecution(): Promise<string> {
    const machine = uniqueName('stuck');
    await createMachine(machine, { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const executionId = await startExecution(machine, {});
    // The real workflow has written ExecutionStarted and WaitStateEntered before its timer.
    while ((await history(executionId)).length < 2) await sleep(100);
    const handle = temporal.workflow.getHandle(executionId);
    await handle.terminate('replaced by a poison workflow for the test');
    await temporal.workflow.start('stepflowExecution', {
      workflowId: executionId,
      taskQueue: own.stack.taskQueue,
      args: [{ executionId }],
      workflowTaskTimeout: '1 second',
    });
    return executionId;
  }

  test('stopping an execution whose workflow task keeps failing terminates it and records ExecutionAborted once', async () => {
    const executionId = await stuckExecution();
    const before = (await history(executionId)).length;
    const reply = await call('POST', `/v1/executions/${encodeURIComponent(executionId)}/stop`, { cause: 'poison' });
    expect(reply.status).toBe(200);
    expect(await waitForClosed(executionId)).toBe('TERMINATED');
    // The API records the event once it terminated the workflow.
    let aborted: any[] = [];
    for (let i = 0; i < 40 && aborted.length === 0; i++) {
      await sleep(250);
      aborted = await abortedEvents(executionId);
    }
    const events = await history(executionId);
    expectCompleteHistory(events);
    expect(events).toHaveLength(before + 1);
    expect(aborted).toEqual([
      expect.objectContaining({
        id: before + 1,
        previousEventId: before,
        executionAbortedEventDetails: { cause: 'poison' },
      }),
    ]);
    expect((await call('GET', `/v1/executions/${encodeURIComponent(executionId)}`)).body.status).toBe('ABORTED');
  });

  test('an execution whose workflow task keeps failing ends FAILED with States.Runtime', async () => {
    const executionId = await stuckExecution();
    const before = (await history(executionId)).length;
    // Temporal flags the workflow after 5 failed attempts; the API's reconciler (every 15 s) ends it.
    const described = await waitForEnd(executionId, 150_000);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.Runtime');
    expect(described.cause).toMatch(/^The execution's workflow task failed \d+ times in a row \(category=WorkflowTask/);
    expect(await waitForClosed(executionId)).toBe('TERMINATED');
    const events = await history(executionId);
    expectCompleteHistory(events);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'States.Runtime', cause: described.cause },
    });
  }, 180_000);
});
