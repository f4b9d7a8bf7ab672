import { evaluateChoiceRule, type ChoiceComparison, type ChoiceRule } from '../../engine/core/choice';
import { StatesError } from '../../engine/core/errors';
import { runExecution, type ExecutionInfo } from '../../engine/core/interpreter';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import type { HistoryEvent } from '../../schemas/history';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:once:e1',
  name: 'e1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:once',
  stateMachineName: 'once',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-once',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

function causeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatesError);
    return (err as StatesError).cause;
  }
  throw new Error('expected a StatesError');
}

describe('choice rule operators resolved once', () => {
  test('evaluates the same rule object against new inputs when it was evaluated before', () => {
    const rule: ChoiceRule = { Variable: '$.i', NumericLessThanPath: '$.n', Next: 'Step' };
    const first: ChoiceComparison[] = [];
    const second: ChoiceComparison[] = [];
    expect(evaluateChoiceRule(rule, { i: 1, n: 3 }, {}, undefined, first)).toBe(true);
    expect(evaluateChoiceRule(rule, { i: 3, n: 3 }, {}, undefined, second)).toBe(false);
    expect(first).toEqual([{ variable: '$.i', operator: 'NumericLessThanPath', expected: 3, actual: 1, result: true }]);
    expect(second).toEqual([
      { variable: '$.i', operator: 'NumericLessThanPath', expected: 3, actual: 3, result: false },
    ]);
  });

  test('fails at every evaluation when the rule has two operators', () => {
    const rule: ChoiceRule = { Variable: '$.s', StringEquals: 'a', IsString: true, Next: 'X' };
    const cause = 'A Choice rule must have exactly one comparison operator, found: StringEquals, IsString';
    expect(causeOf(() => evaluateChoiceRule(rule, { s: 'a' }, {}))).toBe(cause);
    expect(causeOf(() => evaluateChoiceRule(rule, { s: 'a' }, {}))).toBe(cause);
  });

  test('reads the variable before rejecting an unknown operator when evaluated twice', () => {
    const rule: ChoiceRule = { Variable: '$.s', StringSortsBefore: 'a', Next: 'X' };
    expect(causeOf(() => evaluateChoiceRule(rule, {}, {}))).toBe("Invalid path '$.s' : No results for path: $['s']");
    expect(causeOf(() => evaluateChoiceRule(rule, { s: 'b' }, {}))).toBe(
      "Unknown Choice comparison operator 'StringSortsBefore'",
    );
    expect(causeOf(() => evaluateChoiceRule(rule, { s: 'b' }, {}))).toBe(
      "Unknown Choice comparison operator 'StringSortsBefore'",
    );
  });
});

describe('task resources resolved once', () => {
  const invoke = 'arn:aws:states:::lambda:invoke';

  async function events(machine: object): Promise<HistoryEvent[]> {
    const host = new MemoryHost({ echo: (payload) => payload });
    const run = await runExecution(machine as Parameters<typeof runExecution>[0], { v: 1 }, EXECUTION, host);
    return [...host.written, ...run.pendingEvents];
  }

  test('records each Task its own started details when two Tasks share a resource', async () => {
    const task = { Type: 'Task', Resource: invoke, Parameters: { FunctionName: 'echo', 'Payload.$': '$' } };
    const history = await events({
      StartAt: 'A',
      States: { A: { ...task, ResultPath: '$.a', Next: 'B' }, B: { ...task, ResultPath: '$.b', End: true } },
    });
    const started = history.filter((e) => e.type === 'TaskStarted');
    expect(started.map((e) => e.taskStartedEventDetails)).toEqual([
      { resourceType: 'lambda', resource: 'invoke' },
      { resourceType: 'lambda', resource: 'invoke' },
    ]);
    expect(started[0]!.taskStartedEventDetails).not.toBe(started[1]!.taskStartedEventDetails);
    expect(history.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  test('fails every run when the resource is not supported', async () => {
    const machine = {
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: 'arn:aws:states:::nope', End: true } },
    };
    const cause =
      'The resource \'arn:aws:states:::nope\' is not supported by this Stepflow version (README "Resources" lists what runs and how to bind a resource)';
    for (let run = 0; run < 2; run++) {
      const failed = (await events(machine)).at(-1)!;
      expect(failed.type).toBe('ExecutionFailed');
      expect(failed.executionFailedEventDetails).toEqual({
        error: 'States.Runtime',
        cause: expect.stringContaining(cause),
      });
    }
  });
});

describe('task invocations', () => {
  test('asks the host with the same members in the same order when the Task is a plain function', async () => {
    const host = new MemoryHost({ echo: (payload) => payload });
    const machine = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:echo', TimeoutSeconds: 5, End: true },
      },
    };
    await runExecution(machine as Parameters<typeof runExecution>[0], { v: 1 }, EXECUTION, host);
    const [invocation] = host.invocations;
    expect(Object.keys(invocation!)).toEqual([
      'stateName',
      'kind',
      'functionName',
      'payload',
      'timeoutSeconds',
      'heartbeatSeconds',
      'idempotencyKey',
      'abandoned',
    ]);
    expect({ ...invocation, abandoned: undefined }).toStrictEqual({
      stateName: 'A',
      kind: 'lambda',
      functionName: 'echo',
      payload: { v: 1 },
      timeoutSeconds: 5,
      heartbeatSeconds: undefined,
      idempotencyKey: `${EXECUTION.id}#2`,
      abandoned: undefined,
    });
  });

  test('adds the token after the common members when the Task waits for a callback', async () => {
    const host = new MemoryHost({ cb: () => undefined });
    const machine = {
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'cb', 'Payload.$': '$' },
          End: true,
        },
      },
    };
    const run = runExecution(machine as Parameters<typeof runExecution>[0], { v: 1 }, EXECUTION, host);
    await new Promise((resolve) => setImmediate(resolve));
    run.abort({});
    expect(Object.keys(host.invocations[0]!)).toEqual([
      'stateName',
      'kind',
      'functionName',
      'payload',
      'timeoutSeconds',
      'heartbeatSeconds',
      'idempotencyKey',
      'abandoned',
      'taskToken',
    ]);
  });
});
