import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('rest_bad_input');
});
afterAll(async () => api.close());

async function rest(method: 'GET' | 'POST', url: string, payload?: string) {
  const res = await api.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload }),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('REST: bad input answers 400, never 500', () => {
  test('answers JSON_TOO_DEEP before parsing when the body nests 10,000 deep', async () => {
    expect(await rest('POST', '/v1/state-machines', `{"name":"deep","definition":${nested(10_000)}}`)).toEqual({
      status: 400,
      body: { code: 'JSON_TOO_DEEP', message: 'The request body nests arrays and objects deeper than 512 levels' },
    });
  });

  test('answers JSON_TOO_DEEP when a definition given as text nests 5,000 deep', async () => {
    expect(
      await rest('POST', '/v1/state-machines', JSON.stringify({ name: 'deep', definition: nested(5_000) })),
    ).toEqual({
      status: 400,
      body: {
        code: 'JSON_TOO_DEEP',
        message: "The JSON text in 'definition' nests arrays and objects deeper than 512 levels",
      },
    });
  });

  test('answers JSON_TOO_DEEP when an execution input nests 6,000 deep', async () => {
    expect(await rest('POST', '/v1/state-machines/m/executions', `{"input":${nested(6_000)}}`)).toEqual({
      status: 400,
      body: { code: 'JSON_TOO_DEEP', message: 'The request body nests arrays and objects deeper than 512 levels' },
    });
  });

  test('takes a string of the input as data whatever brackets it holds', async () => {
    const reply = await rest(
      'POST',
      '/v1/state-machines/missing/executions',
      JSON.stringify({ input: { s: '['.repeat(10_000) + ']'.repeat(10_000) } }),
    );
    expect(reply).toEqual({
      status: 404,
      body: { code: 'STATE_MACHINE_NOT_FOUND', message: "State machine 'missing' does not exist" },
    });
  });

  test('answers INVALID_CURSOR when a list-executions cursor holds a date that is not one', async () => {
    expect(await rest('GET', `/v1/executions?next=${cursor(['not-a-date', 'x'])}`)).toEqual({
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor is not one this API returned' },
    });
    expect(await rest('GET', `/v1/executions?next=${cursor(['2024-02-31T00:00:00.000Z', 'x'])}`)).toEqual({
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor is not one this API returned' },
    });
  });

  test('answers INVALID_CURSOR when a list-executions cursor is garbage', async () => {
    expect(await rest('GET', '/v1/executions?next=%%%garbage')).toEqual({
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor is not one this API returned' },
    });
  });

  test('answers INVALID_CURSOR when a versions cursor is not a version number', async () => {
    expect(await rest('GET', '/v1/state-machines/m/versions?next=abc')).toEqual({
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor is not one this API returned' },
    });
  });

  test('answers 400 when a name cursor holds a NUL character Postgres cannot store', async () => {
    expect(await rest('GET', '/v1/state-machines?next=%00')).toEqual({
      status: 400,
      body: { code: 'VALIDATION_FAILED', message: 'A value in the request is malformed or out of range' },
    });
  });
});
