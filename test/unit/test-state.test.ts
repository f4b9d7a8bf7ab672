import { DomainError } from '../../engine/service/errors';
import { StatesError } from '../../engine/core/errors';
import { checkMockedContext } from '../../engine/service/test-state-context';
import { machineOfState, selectState } from '../../engine/service/test-state-definition';
import { testState, type TaskInvoker, type TestStateRequest } from '../../engine/service/test-state';

const NOW = Date.UTC(2026, 0, 1);

/** Runs TestState with functions from `functions` (name → handler), never from disk. */
function run(
  request: Omit<TestStateRequest, 'definition'> & { definition: unknown },
  functions: Record<string, (p: unknown) => unknown> = {},
) {
  const invoker: TaskInvoker = async (invocation) => {
    const fn = functions[invocation.functionName];
    if (!fn) throw new StatesError('Lambda.ResourceNotFoundException', invocation.functionName);
    return fn(invocation.payload);
  };
  const definition = typeof request.definition === 'string' ? request.definition : JSON.stringify(request.definition);
  return testState({ config: { TEMPORAL_TASK_QUEUE: 'unused' }, invoker, now: () => NOW }, { ...request, definition });
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a rejection');
}

describe('test-state definition', () => {
  test('wraps a lone state with Succeed stand-ins for its transitions when it is not a machine', () => {
    const state = { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Yes' }], Default: 'No' };
    expect(machineOfState(state)).toEqual({
      StartAt: 'StateName',
      States: { StateName: state, Yes: { Type: 'Succeed' }, No: { Type: 'Succeed' } },
    });
  });

  test('finds a state nested in a Map processor when stateName names it', () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    expect(selectState(JSON.stringify(machine), 'Inner')).toEqual({
      name: 'Inner',
      state: { Type: 'Pass', QueryLanguage: 'JSONata', End: true },
      jsonata: true,
    });
  });

  test('answers a validation error when stateName names no state', () => {
    const machine = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    expect(() => selectState(JSON.stringify(machine), 'Q')).toThrow(
      new DomainError('VALIDATION_FAILED', 'State not found in definition'),
    );
  });

  test('reports the problems of the wrapped state when it is invalid', () => {
    const err = (() => {
      try {
        selectState(JSON.stringify({ Type: 'Parallel', Branches: [], End: true }));
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('expected a throw');
    })();
    expect(err.code).toBe('INVALID_DEFINITION');
    expect(err.problems).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/StateName/Branches', message: 'Value cannot be empty' },
    ]);
  });
});

describe('test-state context', () => {
  test('refuses a Task member when the Task is not a callback or .sync integration', () => {
    expect(() =>
      checkMockedContext({ Task: { Token: 't' } }, { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' }),
    ).toThrow(
      "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
    );
  });

  test('refuses unknown members and non-string ids when a context is mocked', () => {
    const state = { Type: 'Pass' };
    expect(() => checkMockedContext({ Map: {} }, state)).toThrow(
      "Invalid Context object provided: 'Map' field is not supported when mocking a Context object",
    );
    expect(() => checkMockedContext({ Other: {} }, state)).toThrow(
      "Invalid Context object provided: Field 'Other' is not allowed",
    );
    expect(() => checkMockedContext({ Execution: { Id: 1 } }, state)).toThrow(
      'Invalid Context object provided: Execution.Id must be a string',
    );
  });
});

describe('testState', () => {
  test('reports every data-flow step of a JSONPath Pass when inspected at DEBUG', async () => {
    const result = await run({
      definition: {
        Type: 'Pass',
        InputPath: '$.in',
        Parameters: { 'v.$': '$.x', k: 1 },
        ResultPath: '$.out',
        OutputPath: '$.out',
        Next: 'N',
      },
      input: { in: { x: 'a' } },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { v: 'a', k: 1 },
      nextState: 'N',
      inspectionData: {
        input: { in: { x: 'a' } },
        afterInputPath: { x: 'a' },
        afterParameters: { v: 'a', k: 1 },
        afterResultSelector: { v: 'a', k: 1 },
        afterResultPath: { in: { x: 'a' }, out: { v: 'a', k: 1 } },
      },
    });
  });

  test('leaves the inspection data out when the level is INFO', async () => {
    expect(await run({ definition: { Type: 'Succeed' }, input: { a: 1 } })).toEqual({
      status: 'SUCCEEDED',
      output: { a: 1 },
    });
  });

  test('runs the Task function once and records its result when no mock is given', async () => {
    const calls: unknown[] = [];
    const result = await run(
      {
        definition: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add',
          ResultSelector: { 'total.$': '$.sum' },
          End: true,
        },
        input: { a: 1, b: 2 },
        inspectionLevel: 'TRACE',
      },
      { add: (p) => (calls.push(p), { sum: 3 }) },
    );
    expect(calls).toEqual([{ a: 1, b: 2 }]);
    expect(result.output).toEqual({ total: 3 });
    expect(result.inspectionData?.result).toEqual({ sum: 3 });
  });

  test('answers RETRIABLE with the backoff of the matching retrier when it has attempts left', async () => {
    const result = await run({
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f' },
        Retry: [
          { ErrorEquals: ['Other'] },
          { ErrorEquals: ['Boom'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 4 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      mock: { errorOutput: { error: 'Boom', cause: 'c' } },
      stateConfiguration: { retrierRetryCount: 2 },
      inspectionLevel: 'DEBUG',
    });
    expect(result.status).toBe('RETRIABLE');
    expect(result.inspectionData?.errorDetails).toEqual({ retryBackoffIntervalSeconds: 12, retryIndex: 1 });
    expect(result.nextState).toBeUndefined();
  });

  test('catches the error when the retrier has no attempts left', async () => {
    const result = await run({
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f' },
        Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Caught' }],
        End: true,
      },
      input: { a: 1 },
      mock: { errorOutput: { error: 'Boom', cause: 'c' } },
      stateConfiguration: { retrierRetryCount: 1 },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toEqual({
      status: 'CAUGHT_ERROR',
      error: 'Boom',
      cause: 'c',
      output: { a: 1, err: { Error: 'Boom', Cause: 'c' } },
      nextState: 'Caught',
      inspectionData: {
        input: { a: 1 },
        afterInputPath: { a: 1 },
        afterParameters: { FunctionName: 'f' },
        errorDetails: { retryIndex: 0, catchIndex: 0 },
      },
    });
  });

  test('fails a mocked Map past its tolerated failure count', async () => {
    const result = await run({
      definition: {
        Type: 'Map',
        QueryLanguage: 'JSONata',
        Items: '{% $states.input.v %}',
        ToleratedFailureCount: 1,
        ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
        End: true,
      },
      input: { v: [1, 2, 3] },
      mock: { result: [1, 2, 3] },
      stateConfiguration: { mapIterationFailureCount: 2 },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toEqual({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
      inspectionData: { input: { v: [1, 2, 3] }, toleratedFailureCount: 1, maxConcurrency: 0 },
    });
  });

  test('evaluates a JSONata Choice with the given variables and reports where it goes', async () => {
    const result = await run({
      definition: {
        Type: 'Choice',
        QueryLanguage: 'JSONata',
        Choices: [
          { Condition: '{% $states.input.n > $limit %}', Next: 'Big', Assign: { last: '{% $states.input.n %}' } },
        ],
        Default: 'Small',
      },
      input: { n: 5 },
      variables: { limit: 3 },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { n: 5 },
      nextState: 'Big',
      inspectionData: { input: { n: 5 }, variables: { limit: 3, last: 5 } },
    });
  });

  test('refuses a mock when the state type cannot be mocked', async () => {
    const err = await rejection(run({ definition: { Type: 'Pass', End: true }, mock: { result: {} } }));
    expect(err).toEqual(
      new DomainError('VALIDATION_FAILED', "State type 'Pass' is not supported when a mock is specified"),
    );
  });

  test('refuses a Parallel state without a mock as an invalid definition', async () => {
    const definition = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }],
      End: true,
    };
    const err = await rejection(run({ definition }));
    expect(err).toEqual(
      new DomainError(
        'INVALID_DEFINITION',
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
      ),
    );
  });

  test('keeps a JSONata string with blanks around the delimiters as a literal', async () => {
    const state = { QueryLanguage: 'JSONata', Type: 'Pass', Output: { a: ' {% $states.input %} ', b: '$' }, End: true };
    await expect(run({ definition: state, input: { x: 1 }, inspectionLevel: 'DEBUG' })).resolves.toEqual({
      status: 'SUCCEEDED',
      output: { a: ' {% $states.input %} ', b: '$' },
      inspectionData: { input: { x: 1 } },
    });
  });

  test('reports the stages a Task reached before its mocked error, and the catcher of an exhausted retrier', async () => {
    const state = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      InputPath: '$.in',
      Parameters: { FunctionName: 'f', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handle' }],
      End: true,
    };
    await expect(
      run({
        definition: state,
        input: { in: { v: 1 } },
        inspectionLevel: 'DEBUG',
        mock: { errorOutput: { error: 'Boom', cause: 'bad' } },
        stateConfiguration: { retrierRetryCount: 1 },
      }),
    ).resolves.toEqual({
      status: 'CAUGHT_ERROR',
      error: 'Boom',
      cause: 'bad',
      nextState: 'Handle',
      output: { in: { v: 1 }, error: { Error: 'Boom', Cause: 'bad' } },
      inspectionData: {
        input: { in: { v: 1 } },
        afterInputPath: { v: 1 },
        afterParameters: { FunctionName: 'f', Payload: { v: 1 } },
        errorDetails: { retryIndex: 0, catchIndex: 0 },
      },
    });
  });
});
