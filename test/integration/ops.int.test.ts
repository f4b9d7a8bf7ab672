import { createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { readStack } from './support/stack';

describe('operations endpoints', () => {
  test('reports ready with Postgres and Temporal reachable when the stack is up', async () => {
    const res = await fetch(`${readStack().apiUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', postgres: 'ok', temporal: 'ok' });
  });

  test('counts started executions and API latency in Prometheus format when an execution is started', async () => {
    const machine = uniqueName('metrics');
    await createMachine(machine, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const before = await (await fetch(`${readStack().apiUrl}/metrics`)).text();
    const count = (text: string) => Number(/^stepflow_executions_started_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    await waitForEnd(await startExecution(machine, {}));
    const res = await fetch(`${readStack().apiUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const after = await res.text();
    expect(count(after)).toBe(count(before) + 1);
    expect(after).toMatch(
      /stepflow_api_request_duration_seconds_bucket\{[^}]*route="\/v1\/state-machines\/:name\/executions"/,
    );
  });

  test('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const res = await fetch(`${readStack().apiUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc: any = await res.json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/state-machines',
        '/v1/state-machines/{name}/executions',
        '/v1/executions/{executionId}',
        '/v1/executions/{executionId}/history',
        // Triggers and notifications (README, Triggers and Observability).
        '/v1/schedules',
        '/v1/schedules/{name}',
        '/v1/webhooks',
        '/v1/webhooks/{id}',
        '/v1/queue-triggers',
        '/v1/queue-triggers/{name}',
        '/v1/notification-targets',
      ]),
    );
    expect(doc.paths['/v1/state-machines'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'definition',
    ]);
    const docs = await fetch(`${readStack().apiUrl}/docs/`);
    expect(docs.status).toBe(200);
  });

  test('echoes the caller request id and makes one up otherwise', async () => {
    const given = await fetch(`${readStack().apiUrl}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${readStack().apiUrl}/healthz`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
