import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('sfn_bad_input');
});
afterAll(async () => api.close());

/** A Step Functions protocol call with a raw body. */
async function sfn(target: string, payload: string, contentType = 'application/x-amz-json-1.0') {
  const res = await api.app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': contentType, 'x-amz-target': target },
    payload,
  });
  return { status: res.statusCode, errorType: res.headers['x-amzn-errortype'], body: JSON.parse(res.body) };
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('Step Functions protocol: bad input answers 400 with AWS error types', () => {
  test('answers SerializationException when the body is not JSON', async () => {
    expect(await sfn('AWSStepFunctions.ListStateMachines', '{"maxResults": ')).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'The request body is not valid JSON' },
    });
  });

  test('answers SerializationException in the protocol shape when a body sent as application/json is invalid or too deep', async () => {
    expect(await sfn('AWSStepFunctions.ListStateMachines', '{"maxResults": ', 'application/json')).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'The request body is not valid JSON' },
    });
    expect(await sfn('AWSStepFunctions.ListStateMachines', `{"x": ${nested(10_000)}}`, 'application/json')).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: {
        __type: 'SerializationException',
        message: 'The request body nests arrays and objects deeper than 512 levels',
      },
    });
  });

  test('answers SerializationException when the body is JSON but not an object', async () => {
    expect(await sfn('AWSStepFunctions.ListStateMachines', '[1]')).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'The request body must be a JSON object' },
    });
  });

  test('answers SerializationException before parsing when the body nests 10,000 deep', async () => {
    expect(await sfn('AWSStepFunctions.ListStateMachines', `{"x": ${nested(10_000)}}`)).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: {
        __type: 'SerializationException',
        message: 'The request body nests arrays and objects deeper than 512 levels',
      },
    });
  });

  test('answers SerializationException when a JSON text inside a string member nests 5,000 deep', async () => {
    const body = JSON.stringify({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
      input: nested(5_000),
    });
    expect(await sfn('AWSStepFunctions.StartExecution', body)).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: {
        __type: 'SerializationException',
        message: "The JSON text in 'input' nests arrays and objects deeper than 512 levels",
      },
    });
  });

  test('accepts nesting of exactly 512 levels (the documented limit)', async () => {
    // 1 object + 511 arrays: parsed, and the unknown member ignored as AWS does.
    const res = await sfn(
      'AWSStepFunctions.ListStateMachines',
      JSON.stringify({ maxResults: 1, extra: JSON.parse(nested(511)) }),
    );
    expect(res).toEqual({ status: 200, errorType: undefined, body: { stateMachines: [] } });
  });

  test.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf'])(
    'answers UnknownOperationException when the target is the inherited property %s',
    async (name) => {
      expect(await sfn(`AWSStepFunctions.${name}`, '{}')).toEqual({
        status: 400,
        errorType: 'UnknownOperationException',
        body: { __type: 'UnknownOperationException', message: `Unknown operation: 'AWSStepFunctions.${name}'` },
      });
    },
  );

  test('answers InvalidToken when a ListExecutions token holds a date that is not one', async () => {
    const created = await sfn(
      'AWSStepFunctions.CreateStateMachine',
      JSON.stringify({
        name: 'tokens',
        roleArn: 'arn:aws:iam::000000000000:role/r',
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    expect(created.status).toBe(200);
    const nextToken = Buffer.from(JSON.stringify({ startDate: 'not-a-date', executionId: 'x' })).toString('base64url');
    expect(
      await sfn(
        'AWSStepFunctions.ListExecutions',
        JSON.stringify({ stateMachineArn: created.body.stateMachineArn, nextToken }),
      ),
    ).toEqual({
      status: 400,
      errorType: 'InvalidToken',
      body: { __type: 'InvalidToken', message: "Invalid Token: 'Invalid token'" },
    });
  });
});
