import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('definition_size');
});
afterAll(async () => api.close());

/** A valid one-state definition whose JSON text is exactly `bytes` long (padded with a Comment). */
function definitionOf(bytes: number): string {
  const empty = JSON.stringify({ Comment: '', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  return JSON.stringify({
    Comment: 'x'.repeat(bytes - empty.length),
    StartAt: 'P',
    States: { P: { Type: 'Pass', End: true } },
  });
}

const LIMIT = 1_048_576;
const TOO_LARGE = `The definition is ${LIMIT + 1} bytes of JSON; the limit is ${LIMIT} (1 MiB)`;

async function sfn(target: string, body: unknown) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

describe('definition size limit (1 MiB of JSON text)', () => {
  test('REST create accepts a definition of exactly 1 MiB', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/state-machines',
      payload: { name: 'exact', definition: definitionOf(LIMIT) },
    });
    expect(res.statusCode).toBe(201);
  });

  test('REST create refuses a definition one byte over 1 MiB, as text or as an object', async () => {
    const text = definitionOf(LIMIT + 1);
    const expected = {
      code: 'INVALID_DEFINITION',
      message: TOO_LARGE,
      problems: [{ code: 'SCHEMA_VALIDATION_FAILED', path: '', message: TOO_LARGE }],
    };
    for (const definition of [text, JSON.parse(text)]) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/state-machines',
        payload: { name: 'big', definition },
      });
      expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({ status: 400, body: expected });
    }
  });

  test('REST create counts UTF-8 bytes, not characters', async () => {
    // 600,000 two-byte characters: under 1 MiB in characters, over it in bytes.
    const definition = JSON.stringify({
      Comment: 'é'.repeat(600_000),
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } },
    });
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/state-machines',
      payload: { name: 'wide', definition },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).code).toBe('INVALID_DEFINITION');
  });

  test('REST test-state refuses a definition over 1 MiB', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/test-state',
      payload: { definition: definitionOf(LIMIT + 1) },
    });
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({
      status: 400,
      body: {
        code: 'INVALID_DEFINITION',
        message: TOO_LARGE,
        problems: [{ code: 'SCHEMA_VALIDATION_FAILED', path: '', message: TOO_LARGE }],
      },
    });
  });

  test.each(['CreateStateMachine', 'ValidateStateMachineDefinition', 'TestState'])(
    'protocol %s answers ValidationException without echoing the definition when it is over 1 MiB',
    async (action) => {
      const body = { name: 'big', roleArn: 'arn:aws:iam::000000000000:role/r', definition: definitionOf(LIMIT + 1) };
      expect(await sfn(action, body)).toEqual({
        status: 400,
        body: {
          __type: 'ValidationException',
          message:
            "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576",
        },
      });
    },
  );

  test('protocol UpdateStateMachine answers ValidationException when the new definition is over 1 MiB (in UTF-8 bytes)', async () => {
    const definition = JSON.stringify({
      Comment: 'é'.repeat(600_000),
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } },
    });
    const res = await sfn('UpdateStateMachine', {
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:exact',
      definition,
    });
    expect(res).toEqual({
      status: 400,
      body: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      },
    });
  });
});
