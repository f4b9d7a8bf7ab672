import { apiApp, type ApiApp } from '../support/api-app';
import { signWebhook } from '../../../engine/triggers/webhook-signature';

let api: ApiApp;

beforeAll(async () => {
  api = await apiApp('triggers');
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/state-machines',
    payload: { name: 'target', definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } },
  });
  expect(created.statusCode).toBe(201);
});

afterAll(async () => {
  await api.close();
});

async function post(url: string, payload?: unknown) {
  const reply = await api.app.inject({
    method: 'POST',
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: reply.statusCode, body: reply.json() };
}

describe('schedules API', () => {
  test.each([
    ['an unknown expression kind', { expression: 'every(5 minutes)' }, /expression/],
    ['cron with five fields', { expression: 'cron(0 12 * * ?)' }, /6 fields/],
    ['cron with both days given', { expression: 'cron(0 12 1 * MON *)' }, /exactly one/],
    ['cron minute out of range', { expression: 'cron(60 12 * * ? *)' }, /minutes/],
    ['cron L (unsupported)', { expression: 'cron(0 12 L * ? *)' }, /day-of-month/],
    ['a zero rate', { expression: 'rate(0 minutes)' }, /rate/],
    ['an impossible date', { expression: 'at(2027-02-30T10:00:00)' }, /not a valid date/],
    ['an unknown time zone', { expression: 'rate(1 hour)', timeZone: 'Mars/Olympus' }, /time zone/],
  ])('400 for %s', async (_label, fields, message) => {
    const reply = await post('/v1/schedules', { name: 's1', stateMachine: 'target', ...fields });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION_FAILED');
    expect(reply.body.message).toMatch(message);
  });

  test('400 for a bad name, both version and alias, and TERMINATE_OTHER', async () => {
    const base = { name: 's1', stateMachine: 'target', expression: 'rate(1 hour)' };
    for (const fields of [
      { name: 'has space' },
      { name: 'x'.repeat(49) },
      { version: 1, alias: 'a' },
      { overlap: 'TERMINATE_OTHER' },
    ]) {
      const reply = await post('/v1/schedules', { ...base, ...fields });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
    }
  });

  test('404 for an unknown state machine and for actions on an unknown schedule', async () => {
    expect((await post('/v1/schedules', { name: 's1', stateMachine: 'nope', expression: 'rate(1 hour)' })).status).toBe(
      404,
    );
    expect((await post('/v1/schedules/none/pause')).status).toBe(404);
    expect((await post('/v1/schedules/none/resume')).status).toBe(404);
    expect(
      (await post('/v1/schedules/none/backfill', { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }))
        .status,
    ).toBe(404);
    const missing = await api.app.inject({ method: 'GET', url: '/v1/schedules/none/executions' });
    expect(missing.statusCode).toBe(404);
  });

  test('400 for a backfill that ends before it starts or is not a date', async () => {
    const reversed = await post('/v1/schedules/none/backfill', {
      start: '2026-01-02T00:00:00Z',
      end: '2026-01-01T00:00:00Z',
    });
    expect(reversed.status).toBe(400);
    expect(
      (await post('/v1/schedules/none/backfill', { start: 'yesterday', end: '2026-01-01T00:00:00Z' })).status,
    ).toBe(400);
  });
});

describe('schedules API: refusals of the use case', () => {
  /** A schedule row as a create that reached Temporal leaves it (Temporal itself is not part of these tests). */
  async function storedSchedule(name: string): Promise<void> {
    await api.pool.query(
      `INSERT INTO trigger_schedules (name, state_machine, input, expression, time_zone, overlap)
       VALUES ($1, 'target', '{}', 'rate(1 hour)', 'UTC', 'SKIP')`,
      [name],
    );
  }

  test('503 when Temporal cannot take the schedule, and the row is not kept', async () => {
    const reply = await post('/v1/schedules', {
      name: 'unreachable',
      stateMachine: 'target',
      expression: 'rate(1 hour)',
    });
    expect(reply).toEqual({
      status: 503,
      body: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'The schedule could not be created: Temporal is unavailable; retry',
      },
    });
    expect((await api.app.inject({ method: 'GET', url: '/v1/schedules/unreachable' })).statusCode).toBe(404);
  });

  test('409 for a name already taken, 400 for a cursor this API did not return', async () => {
    await storedSchedule('taken');
    expect(await post('/v1/schedules', { name: 'taken', stateMachine: 'target', expression: 'rate(1 hour)' })).toEqual({
      status: 409,
      body: { code: 'CONFLICT', message: "Schedule 'taken' already exists" },
    });
    const cursor = await api.app.inject({ method: 'GET', url: '/v1/schedules/taken/executions?next=nope' });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toEqual({ code: 'INVALID_CURSOR', message: 'next is not a cursor this API returned' });
  });

  test('503 when Temporal cannot take a backfill or a delete; 404 names the missing schedule', async () => {
    await storedSchedule('stuck');
    const unavailable = {
      code: 'SERVICE_UNAVAILABLE',
      message: 'The schedule could not be changed: Temporal is unavailable; retry',
    };
    const backfill = await post('/v1/schedules/stuck/backfill', {
      start: '2026-01-01T00:00:00Z',
      end: '2026-01-02T00:00:00Z',
    });
    expect(backfill).toEqual({ status: 503, body: unavailable });
    const removed = await api.app.inject({ method: 'DELETE', url: '/v1/schedules/stuck' });
    expect(removed.statusCode).toBe(503);
    expect(removed.json()).toEqual(unavailable);
    const missing = await api.app.inject({ method: 'DELETE', url: '/v1/schedules/none' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'RESOURCE_NOT_FOUND', message: "Schedule 'none' does not exist" });
  });
});

describe('webhooks API', () => {
  test('creates a hook whose secret is shown once, never listed, and refuses bad signatures with 401', async () => {
    const created = await post('/v1/webhooks', { name: 'h', stateMachine: 'target' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body.url).toBe(`/v1/hooks/${created.body.id}`);
    const described = await api.app.inject({ method: 'GET', url: `/v1/webhooks/${created.body.id}` });
    expect(described.json().secret).toBeUndefined();
    const listed = await api.app.inject({ method: 'GET', url: '/v1/webhooks' });
    expect(JSON.stringify(listed.json())).not.toContain(created.body.secret);

    const body = '{"a":1}';
    const now = Math.floor(Date.now() / 1000);
    const deliver = (headers: Record<string, string>, payload = body) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/hooks/${created.body.id}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /missing/],
      [{ 'stepflow-signature': 'garbage' }, /must be/],
      [{ 'stepflow-signature': signWebhook(created.body.secret, now - 301, body) }, /too old/],
      [{ 'stepflow-signature': signWebhook(created.body.secret, now + 301, body) }, /too old/],
      [{ 'stepflow-signature': signWebhook('whsec_other', now, body) }, /does not verify/],
    ];
    for (const [headers, message] of cases) {
      const reply = await deliver(headers);
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toEqual({ code: 'INVALID_SIGNATURE', message: expect.stringMatching(message) });
    }
    // Signed but not JSON, or a delivery id out of bounds: 400 (nothing is started).
    const notJson = await deliver({ 'stepflow-signature': signWebhook(created.body.secret, now, 'nope') }, 'nope');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().code).toBe('INVALID_EXECUTION_INPUT');
    const longId = await deliver({
      'stepflow-signature': signWebhook(created.body.secret, now, body),
      'stepflow-delivery-id': 'x'.repeat(201),
    });
    expect(longId.statusCode).toBe(400);
    // Unknown hooks answer like bad signatures: ids cannot be probed.
    const unknown = await api.app.inject({ method: 'POST', url: '/v1/hooks/wh0000000000000000', payload: body });
    expect(unknown.statusCode).toBe(401);
    const badId = await api.app.inject({ method: 'POST', url: '/v1/hooks/not-a-hook', payload: body });
    expect(badId.statusCode).toBe(400);

    const rotated = await post(`/v1/webhooks/${created.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(rotated.body.rotatedAt).toEqual(expect.any(String));
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.body.id}` })).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.body.id}` })).statusCode).toBe(404);
  });

  test('400 without a name, 404 for an unknown state machine', async () => {
    expect((await post('/v1/webhooks', { stateMachine: 'target' })).status).toBe(400);
    expect((await post('/v1/webhooks', { name: 'h', stateMachine: 'nope' })).status).toBe(404);
  });
});

describe('webhooks API: refusals of the use case', () => {
  test('404 names an unknown hook on describe, rotate and delete', async () => {
    const notFound = { code: 'RESOURCE_NOT_FOUND', message: "Webhook 'wh0000000000000000' does not exist" };
    for (const [method, url] of [
      ['GET', '/v1/webhooks/wh0000000000000000'],
      ['POST', '/v1/webhooks/wh0000000000000000/rotate'],
      ['DELETE', '/v1/webhooks/wh0000000000000000'],
    ] as const) {
      const reply = await api.app.inject({ method, url });
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toEqual(notFound);
    }
  });

  test('400 with the code for a body nested too deep, a body not JSON and a bad delivery id', async () => {
    const created = await post('/v1/webhooks', { name: 'deep', stateMachine: 'target' });
    const now = Math.floor(Date.now() / 1000);
    const deliver = (payload: string, headers: Record<string, string> = {}) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/hooks/${created.body.id}`,
        headers: {
          'content-type': 'application/json',
          'stepflow-signature': signWebhook(created.body.secret, now, payload),
          ...headers,
        },
        payload,
      });
    const deep = await deliver(`${'['.repeat(600)}${']'.repeat(600)}`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toEqual({
      code: 'JSON_TOO_DEEP',
      message: 'The request body nests arrays and objects deeper than 512 levels',
    });
    const notJson = await deliver('nope');
    expect(notJson.json()).toEqual({ code: 'INVALID_EXECUTION_INPUT', message: 'The request body is not JSON' });
    const badId = await deliver('{}', { 'stepflow-delivery-id': 'has space' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'The Stepflow-Delivery-Id header must be 1-200 visible ASCII characters',
    });
  });
});

describe('queue triggers API', () => {
  const base = {
    name: 'q1',
    kind: 'rabbitmq',
    url: 'amqp://user:s3cret@127.0.0.1:5672',
    source: 'in',
    deadLetter: 'in.dead',
    stateMachine: 'target',
  };

  test('creates a trigger with defaults and the URL redacted; a second with the name is 409', async () => {
    const created = await post('/v1/queue-triggers', base);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ url: 'amqp://user:***@127.0.0.1:5672', maxInFlight: 32, maxAttempts: 5 }),
    );
    expect((await post('/v1/queue-triggers', base)).status).toBe(409);
    const listed = await api.app.inject({ method: 'GET', url: '/v1/queue-triggers' });
    expect(JSON.stringify(listed.json())).not.toContain('s3cret');
    const { rows } = await api.pool.query('SELECT url_sealed FROM trigger_queues WHERE name = $1', ['q1']);
    expect(rows[0].url_sealed).not.toContain('s3cret');
    expect((await api.app.inject({ method: 'DELETE', url: '/v1/queue-triggers/q1' })).statusCode).toBe(204);
  });

  test.each([
    ['a kind that is not served', { kind: 'kafka' }],
    ['a URL of the other broker', { url: 'nats://127.0.0.1:4222' }],
    ['a subject on a RabbitMQ trigger', { subject: 'x' }],
    ['maxInFlight 0', { maxInFlight: 0 }],
    ['maxInFlight above 1000', { maxInFlight: 1001 }],
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['a source with spaces', { source: 'a b' }],
    ['no dead letter', { deadLetter: undefined }],
  ])('400 for %s', async (_label, fields) => {
    const reply = await post('/v1/queue-triggers', { ...base, name: 'q2', ...fields });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION_FAILED');
  });

  test('404 for an unknown state machine or trigger', async () => {
    expect((await post('/v1/queue-triggers', { ...base, name: 'q3', stateMachine: 'nope' })).status).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/v1/queue-triggers/q3' })).statusCode).toBe(404);
  });

  test('404 names the unknown trigger on describe and delete', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const reply = await api.app.inject({ method, url: '/v1/queue-triggers/q4' });
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toEqual({ code: 'RESOURCE_NOT_FOUND', message: "Queue trigger 'q4' does not exist" });
    }
  });
});
