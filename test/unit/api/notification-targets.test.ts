import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('notification_targets');
});
afterAll(async () => api.close());

async function request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await api.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

describe('notification targets API', () => {
  test('create answers 201 with the secret once; describe never shows it', async () => {
    const created = await request('POST', '/v1/notification-targets', {
      name: 'ops-hook',
      type: 'webhook',
      url: 'https://example.test/hook',
      statuses: ['FAILED', 'TIMED_OUT', 'FAILED'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { secret: _secret, createdAt, ...rest } = created.body;
    expect(typeof createdAt).toBe('string');
    expect(rest).toEqual({
      name: 'ops-hook',
      type: 'webhook',
      url: 'https://example.test/hook',
      stateMachines: [],
      statuses: ['FAILED', 'TIMED_OUT'],
      enabled: true,
      pending: 0,
      deliveredCount: 0,
    });
    const described = await request('GET', '/v1/notification-targets/ops-hook');
    expect(described.status).toBe(200);
    expect(described.body.secret).toBeUndefined();
    expect(described.body.statuses).toEqual(['FAILED', 'TIMED_OUT']);
  });

  test('a second target with the same name is a 409', async () => {
    const body = { name: 'twice', type: 'webhook', url: 'http://127.0.0.1:9/x' };
    expect((await request('POST', '/v1/notification-targets', body)).status).toBe(201);
    expect(await request('POST', '/v1/notification-targets', body)).toEqual({
      status: 409,
      body: { code: 'CONFLICT', message: "A notification target named 'twice' already exists" },
    });
  });

  test('a RabbitMQ target shows its exchange and routing key, and its URL without the password', async () => {
    const created = await request('POST', '/v1/notification-targets', {
      name: 'rabbit',
      type: 'rabbitmq',
      url: 'amqp://guest:s3cret@mq.internal:5672/prod',
      routingKey: 'executions',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'amqp://guest:***@mq.internal:5672/prod',
      exchange: '',
      routingKey: 'executions',
    });
  });

  test('bad input is a 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', type: 'webhook', url: 'ftp://example.test' }, '/body/url'],
      [{ name: 'x', type: 'nats', url: 'nats://127.0.0.1:4222', subject: 'a.*' }, '/body/subject'],
      [{ name: 'x', type: 'rabbitmq', url: 'amqp://h' }, '/body/routingKey'],
      [{ name: 'x', type: 'webhook', url: 'http://h', statuses: ['DONE'] }, '/body/statuses/0'],
      [{ name: 'has space', type: 'webhook', url: 'http://h' }, '/body/name'],
      [{ name: 'x', type: 'smtp', url: 'http://h' }, '/body/type'],
    ];
    for (const [body, path] of cases) {
      const res = await request('POST', '/v1/notification-targets', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.problems.map((p: { path: string }) => p.path)).toContain(path);
    }
  });

  test('patch changes filters and enabled; rotate-secret answers a new secret; delete is 204 then 404', async () => {
    const created = await request('POST', '/v1/notification-targets', {
      name: 'changing',
      type: 'nats',
      url: 'nats://127.0.0.1:4222',
      subject: 'stepflow.executions',
    });
    const patched = await request('PATCH', '/v1/notification-targets/changing', {
      enabled: false,
      stateMachines: ['orders'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      enabled: false,
      stateMachines: ['orders'],
      statuses: [],
      subject: 'stepflow.executions',
    });
    expect((await request('PATCH', '/v1/notification-targets/changing', {})).status).toBe(400);
    const rotated = await request('POST', '/v1/notification-targets/changing/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect((await request('DELETE', '/v1/notification-targets/changing')).status).toBe(204);
    expect(await request('DELETE', '/v1/notification-targets/changing')).toEqual({
      status: 404,
      body: { code: 'NOTIFICATION_TARGET_NOT_FOUND', message: "Notification target 'changing' does not exist" },
    });
    expect((await request('GET', '/v1/notification-targets/changing')).status).toBe(404);
  });

  test('the OpenAPI document describes the routes', async () => {
    const doc = (await request('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/notification-targets',
        '/v1/notification-targets/{name}',
        '/v1/notification-targets/{name}/rotate-secret',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/notification-targets/{name}']).sort()).toEqual(['delete', 'get', 'patch']);
  });
});
