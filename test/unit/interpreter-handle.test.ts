import { runExecution, type ExecutionInfo, type InterpreterHost } from '../../engine/core/interpreter';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:handle:h1',
  name: 'h1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:handle',
  stateMachineName: 'handle',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-handle',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

const WAITS = {
  StartAt: 'First',
  States: {
    First: { Type: 'Pass', Result: { step: 1 }, Next: 'Hold' },
    Hold: { Type: 'Wait', Seconds: 60, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** Lets the interpreter run until it waits on the host (a macrotask later). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the execution handle', () => {
  test('abort records ExecutionAborted after what was written and hands back where the states stood', async () => {
    const host = new MemoryHost({}, { startTime: 0 });
    const handle = runExecution(WAITS, { a: 1 }, EXECUTION, host);
    await settle();
    const aborted = handle.abort({ error: 'Stop', cause: 'by hand' });
    expect(aborted.outcome).toEqual({ status: 'ABORTED', error: 'Stop', cause: 'by hand' });
    // The Wait wrote the events before its timer; the closing events are the abort alone.
    expect(host.written.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
    ]);
    expect(aborted.pendingEvents).toEqual([
      {
        id: 5,
        previousEventId: 4,
        timestamp: '1970-01-01T00:00:00.000Z',
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { error: 'Stop', cause: 'by hand' },
      },
    ]);
    expect(aborted.resume).toEqual({ state: 'Hold', input: { step: 1 } });
  });

  test('abort leaves out an error and cause StopExecution did not give, and records the stop once', async () => {
    const host = new MemoryHost({}, { startTime: 0 });
    const handle = runExecution(WAITS, {}, EXECUTION, host);
    await settle();
    const first = handle.abort({});
    expect(first.pendingEvents.map((e) => [e.type, e.executionAbortedEventDetails])).toEqual([
      ['ExecutionAborted', {}],
    ]);
    expect(handle.abort({ cause: 'again' })).toBe(first);
  });

  test('nothing the states do after the abort reaches the host', async () => {
    const host = new MemoryHost({}, { startTime: 0 });
    const handle = runExecution(WAITS, {}, EXECUTION, host);
    await settle();
    handle.abort({});
    // The timer fires and the states run on; the history is closed.
    await handle;
    expect(host.written.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
    ]);
    expect(host.history.takePending()).toEqual([]);
  });
});

describe('compensation stacks', () => {
  const SAGA = {
    StartAt: 'Book',
    States: {
      Book: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:0:function:book',
        Compensate: { Resource: 'arn:aws:lambda:us-east-1:0:function:undo' },
        Next: 'Boom',
      },
      Boom: { Type: 'Fail', Error: 'Boom', Cause: 'failed' },
    },
  };

  test('belong to their execution: two executions on one host each compensate their own Task', async () => {
    const undone: unknown[] = [];
    const memory = new MemoryHost({
      book: (payload: unknown) => payload,
      undo: (payload: unknown) => void undone.push(payload),
    });
    // No recorder of its own: each run keeps its events; the host is shared by both.
    const host: InterpreterHost = {
      now: () => memory.now(),
      random: () => memory.random(),
      invokeTask: (invocation) => memory.invokeTask(invocation),
      sleep: (ms, abandoned, detached) => memory.sleep(ms, abandoned, detached),
    };
    const [a, b] = await Promise.all([
      runExecution(SAGA, { who: 'a' }, EXECUTION, host),
      runExecution(SAGA, { who: 'b' }, EXECUTION, host),
    ]);
    expect([a.outcome.status, b.outcome.status]).toEqual(['FAILED', 'FAILED']);
    expect(undone).toHaveLength(2);
    expect(undone).toEqual(
      expect.arrayContaining([
        { input: { who: 'a' }, result: { who: 'a' } },
        { input: { who: 'b' }, result: { who: 'b' } },
      ]),
    );
  });
});
