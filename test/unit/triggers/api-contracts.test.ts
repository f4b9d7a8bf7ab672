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
});
