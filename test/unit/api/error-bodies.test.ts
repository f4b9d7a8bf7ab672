import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('error_bodies');
  // A store that lost a table: every activity query fails inside Postgres, an internal error.
  await api.pool.query('ALTER TABLE activities RENAME TO activities_gone');
});
afterAll(async () => api.close());

/** Neither a stack frame nor a path of this deployment. */
function expectNoInternals(body: string): void {
  expect(body).not.toContain(process.cwd());
  expect(body).not.toMatch(/\n\s+at |\bat .+:\d+:\d+/);
  expect(body).not.toContain('activities');
}

describe('error bodies carry no internals', () => {
  test('REST answers a bare INTERNAL when a use case fails unexpectedly', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/activities' });
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'Internal error' },
    });
    expectNoInternals(res.body);
  });

  test('the protocol answers a bare InternalFailure when an action fails unexpectedly', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListActivities' },
      payload: '{}',
    });
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({
      status: 500,
      body: { __type: 'InternalFailure', message: 'Internal error' },
    });
    expectNoInternals(res.body);
  });

  test('a body Fastify cannot parse answers its message only', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/state-machines',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: "Body is not valid JSON but content-type is set to 'application/json'",
      },
    });
    expectNoInternals(res.body);
  });
});
