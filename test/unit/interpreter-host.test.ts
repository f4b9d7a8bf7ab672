import { StatesError } from '../../engine/core/errors';
import { runExecution, type ExecutionInfo, type InterpreterHost } from '../../engine/core/interpreter';
import { checkPayloadSize, MAX_PAYLOAD_BYTES } from '../../engine/core/interpreter/limits';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:host:h1',
  name: 'h1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:host',
  stateMachineName: 'host',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-host',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

describe('MemoryHost', () => {
  test('fires timers in virtual-time order when sleeps overlap', async () => {
    const host = new MemoryHost({}, { startTime: 0 });
    const order: string[] = [];
    await Promise.all([
      host.sleep(3000).then(() => order.push(`long@${host.now()}`)),
      host.sleep(1000).then(() => order.push(`short@${host.now()}`)),
    ]);
    expect(order).toEqual(['short@1000', 'long@3000']);
  });

  test('fails the invocation with States.Timeout when the function outlasts TimeoutSeconds', async () => {
    const host = new MemoryHost({ slow: (_p, context) => context.sleep(5000) }, { startTime: 0 });
    const invocation = {
      stateName: 'T',
      kind: 'lambda' as const,
      functionName: 'slow',
      payload: null,
      idempotencyKey: 'k',
      timeoutSeconds: 2,
    };
    await expect(host.invokeTask(invocation)).rejects.toEqual(new StatesError('States.Timeout', ''));
    expect(host.now()).toBe(2000);
  });

  test('counts no running invocation for a function that does not exist when it is invoked', async () => {
    const host = new MemoryHost({ echo: (payload) => payload });
    const invocation = { stateName: 'T', kind: 'lambda' as const, payload: 1, idempotencyKey: 'k' };
    for (let i = 0; i < 2; i++) {
      await expect(host.invokeTask({ ...invocation, functionName: 'missing' })).rejects.toEqual(
        new StatesError('Lambda.ResourceNotFoundException', 'Function not found: missing'),
      );
    }
    await expect(host.invokeTask({ ...invocation, functionName: 'echo' })).resolves.toEqual({
      result: 1,
      startedAt: host.now(),
    });
    // Only the invocation that ran was running, and it alone.
    expect(host.maxConcurrentInvocations).toBe(1);
  });
});

describe('interpreter retry jitter', () => {
  test('draws every delay within [0, interval × rate^n] when JitterStrategy is FULL', async () => {
    let calls = 0;
    const flaky = () => {
      calls += 1;
      if (calls <= 4) throw new StatesError('E', 'again');
      return 'ok';
    };
    const host = new MemoryHost({ flaky });
    const machine = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:0:function:flaky',
          Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, MaxAttempts: 4, JitterStrategy: 'FULL' }],
          End: true,
        },
      },
    };
    const { outcome } = await runExecution(machine, {}, EXECUTION, host);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'ok' });
    expect(host.sleeps).toHaveLength(4);
    host.sleeps.forEach((ms, n) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(2000 * 2 ** n);
    });
    expect(new Set(host.sleeps).size).toBe(4);
  });
});

describe('checkPayloadSize', () => {
  test('accepts an output of exactly 256 KiB when it is at the limit', () => {
    expect(() => checkPayloadSize('S', 'x'.repeat(MAX_PAYLOAD_BYTES))).not.toThrow();
  });

  test('fails with States.DataLimitExceeded when multi-byte text passes the limit in UTF-8', () => {
    expect(() => checkPayloadSize('S', 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1))).toThrow(
      new StatesError(
        'States.DataLimitExceeded',
        "The state/task 'S' returned a result with a size exceeding the maximum number of bytes service limit.",
      ),
    );
  });
});

describe('hosts that record the start of a function themselves', () => {
  test('hands the Task its LambdaFunctionStarted event with the call when the host records starts', async () => {
    const memory = new MemoryHost({ echo: (payload) => payload });
    const seen: Array<{ types: string[]; startedEventId: number | undefined }> = [];
    const host: InterpreterHost = {
      history: memory.history,
      now: () => memory.now(),
      random: () => memory.random(),
      sleep: (ms, abandoned, detached) => memory.sleep(ms, abandoned, detached),
      recordsTaskStart: () => true,
      invokeTask: (invocation) => {
        seen.push({
          // What the host's recorder holds when the call comes: what it writes with the call.
          types: memory.history.takePending().map((event) => event.type),
          startedEventId: invocation.startedEventId,
        });
        return memory.invokeTask(invocation);
      },
    };
    const machine = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:echo', End: true } },
    };
    const { outcome } = await runExecution(machine, { a: 1 }, EXECUTION, host);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { a: 1 } });
    expect(seen).toEqual([
      {
        types: ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted'],
        startedEventId: 4,
      },
    ]);
  });
});
