import {
  InvalidDefinition,
  type SFNClient,
  TestStateCommand,
  type TestStateCommandInput,
  type TestStateCommandOutput,
} from '@aws-sdk/client-sfn';
import { call, sfnClient } from './support/client';

const ROLE = 'arn:aws:iam::000000000000:role/test-state';

let sfn: SFNClient;
beforeAll(() => {
  sfn = sfnClient();
});
afterAll(() => sfn.destroy());

/** Calls TestState on `state` (an object) and returns the response without its metadata. */
async function testState(
  state: unknown,
  request: Omit<TestStateCommandInput, 'definition'> = {},
): Promise<Omit<TestStateCommandOutput, '$metadata'>> {
  const { $metadata: _metadata, ...out } = await sfn.send(
    new TestStateCommand({ roleArn: ROLE, ...request, definition: JSON.stringify(state) }),
  );
  return out;
}

describe('TestState over the Step Functions protocol', () => {
  test('reports every data-flow step of a Pass with Parameters when inspected at DEBUG', async () => {
    const state = {
      Type: 'Pass',
      InputPath: '$.data',
      Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)', fixed: 'x' },
      ResultPath: '$.out',
      Next: 'After',
    };
    expect(await testState(state, { input: '{"data":{"a":1,"b":2}}', inspectionLevel: 'DEBUG' })).toEqual({
      output: '{"data":{"a":1,"b":2},"out":{"sum":3,"fixed":"x"}}',
      nextState: 'After',
      status: 'SUCCEEDED',
      inspectionData: {
        input: '{"data":{"a":1,"b":2}}',
        afterInputPath: '{"a":1,"b":2}',
        afterParameters: '{"sum":3,"fixed":"x"}',
        afterResultSelector: '{"sum":3,"fixed":"x"}',
        afterResultPath: '{"data":{"a":1,"b":2},"out":{"sum":3,"fixed":"x"}}',
      },
    });
  });

  test('calls the function from FUNCTIONS_DIR when the Task has no mock', async () => {
    const state = {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add',
      ResultPath: '$.result',
      End: true,
    };
    expect(await testState(state, { input: '{"a":2,"b":5}', inspectionLevel: 'DEBUG' })).toEqual({
      output: '{"a":2,"b":5,"result":{"sum":7}}',
      status: 'SUCCEEDED',
      inspectionData: {
        input: '{"a":2,"b":5}',
        afterInputPath: '{"a":2,"b":5}',
        afterParameters: '{"a":2,"b":5}',
        result: '{"sum":7}',
        afterResultSelector: '{"sum":7}',
        afterResultPath: '{"a":2,"b":5,"result":{"sum":7}}',
      },
    });
  });

  test('answers FAILED with the function error when the function throws and nothing catches it', async () => {
    const state = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'boom', 'Payload.$': '$' },
      End: true,
    };
    const out = await testState(state, { input: '{"errorName":"Custom","message":"nope"}' });
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('Custom');
    expect(JSON.parse(out.cause as string)).toMatchObject({ errorType: 'Custom', errorMessage: 'nope' });
  });

  const failingTask = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: 'add', 'Payload.$': '$' },
    Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 }],
    Catch: [
      { ErrorEquals: ['Other'], Next: 'Elsewhere' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' },
    ],
    End: true,
  };
  const boom = { errorOutput: { error: 'Boom', cause: 'it broke' } };

  test('answers CAUGHT_ERROR with the catcher Next when the retries of a mocked error are spent', async () => {
    const out = await testState(failingTask, {
      input: '{"x":1}',
      mock: boom,
      stateConfiguration: { retrierRetryCount: 3 },
      inspectionLevel: 'DEBUG',
    });
    expect(out).toEqual({
      output: '{"x":1,"error":{"Error":"Boom","Cause":"it broke"}}',
      error: 'Boom',
      cause: 'it broke',
      nextState: 'Recover',
      status: 'CAUGHT_ERROR',
      inspectionData: {
        input: '{"x":1}',
        afterInputPath: '{"x":1}',
        afterParameters: '{"FunctionName":"add","Payload":{"x":1}}',
        errorDetails: { retryIndex: 0, catchIndex: 1 },
      },
    });
  });

  test('answers RETRIABLE with the next backoff when the retrier has attempts left', async () => {
    const out = await testState(failingTask, {
      input: '{"x":1}',
      mock: boom,
      stateConfiguration: { retrierRetryCount: 1 },
      inspectionLevel: 'DEBUG',
    });
    expect(out).toEqual({
      error: 'Boom',
      cause: 'it broke',
      status: 'RETRIABLE',
      inspectionData: {
        input: '{"x":1}',
        afterInputPath: '{"x":1}',
        afterParameters: '{"FunctionName":"add","Payload":{"x":1}}',
        errorDetails: { retryBackoffIntervalSeconds: 6, retryIndex: 0 },
      },
    });
  });

  test('names the next state of a Choice chosen from a machine by stateName', async () => {
    const machine = {
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Small: { Type: 'Succeed' },
      },
    };
    expect(await testState(machine, { stateName: 'Route', input: '{"n":42}' })).toEqual({
      output: '{"n":42}',
      nextState: 'Big',
      status: 'SUCCEEDED',
    });
  });

  test('evaluates a JSONata state with the given variables and reports what it assigns', async () => {
    const state = {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: { total: '{% $sum($states.input.values) + $bonus %}' },
      Assign: { seen: '{% $count($states.input.values) %}' },
      End: true,
    };
    expect(
      await testState(state, { input: '{"values":[1,2,3]}', variables: '{"bonus":10}', inspectionLevel: 'DEBUG' }),
    ).toEqual({
      output: '{"total":16}',
      status: 'SUCCEEDED',
      inspectionData: { input: '{"values":[1,2,3]}', variables: '{"bonus":10,"seen":3}' },
    });
  });

  test('answers InvalidDefinition with the problems when the state is invalid', async () => {
    const err = await testState({ Type: 'Pass', Next: 'X', End: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidDefinition);
    expect((err as Error).message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: A Pass state cannot have both 'Next' and 'End' at /States/StateName'",
    );
  });
});

describe('TestState over REST', () => {
  test('answers JSON values when POST /v1/test-state runs a mocked Task', async () => {
    const reply = await call('POST', '/v1/test-state', {
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: { 'Item.$': '$.item' },
        ResultPath: '$.put',
        Next: 'Done',
      },
      input: { item: { id: 1 } },
      mock: { result: { ok: true } },
      inspectionLevel: 'DEBUG',
    });
    expect(reply).toEqual({
      status: 200,
      body: {
        status: 'SUCCEEDED',
        output: { item: { id: 1 }, put: { ok: true } },
        nextState: 'Done',
        inspectionData: {
          input: { item: { id: 1 } },
          afterInputPath: { item: { id: 1 } },
          afterParameters: { Item: { id: 1 } },
          result: { ok: true },
          afterResultSelector: { ok: true },
          afterResultPath: { item: { id: 1 }, put: { ok: true } },
        },
      },
    });
  });

  test('answers 400 INVALID_DEFINITION with the problems when the state is invalid', async () => {
    const reply = await call('POST', '/v1/test-state', { definition: { Type: 'Pass', Next: 'X', End: true } });
    expect(reply).toEqual({
      status: 400,
      body: {
        code: 'INVALID_DEFINITION',
        message: 'Invalid State Machine Definition',
        problems: [
          {
            code: 'SCHEMA_VALIDATION_FAILED',
            path: '/States/StateName',
            message: "A Pass state cannot have both 'Next' and 'End'",
          },
        ],
      },
    });
  });
});
