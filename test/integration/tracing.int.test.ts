import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, killPid, readStack, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

/** One span as an OTLP/HTTP JSON export carries it. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** A local OTLP/HTTP receiver: keeps every span exported to `/v1/traces`. */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  private server?: http.Server;

  async start(port: number): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const resource of body.resourceSpans ?? []) {
            const service = resource.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value
              ?.stringValue;
            for (const scope of resource.scopeSpans ?? [])
              for (const span of scope.spans ?? [])
                this.spans.push({
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId || undefined,
                  name: span.name,
                  service,
                  attributes: Object.fromEntries(
                    (span.attributes ?? []).map((a: any) => [a.key, Object.values(a.value ?? {})[0]]),
                  ),
                });
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const receiver = new OtlpReceiver();
let apiUrl = '';
let workerMetricsUrl = '';
let hostMetricsUrl = '';
const pids: number[] = [];

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function waitForEnd(executionId: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const reply = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}`);
    if (reply.body.status !== 'RUNNING') return reply.body;
    await sleep(100);
  }
  throw new Error(`${executionId} still running`);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  const otlpPort = await freePort();
  await receiver.start(otlpPort);
  // An API, a worker and a function host of this test's own, on their own task queue, exporting to the receiver.
  const stack = readStack();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    TEMPORAL_TASK_QUEUE: `${stack.taskQueue}-traced`,
    STEPFLOW_NOTIFICATIONS: 'off',
  };
  pids.push(spawnStepflow(stack, 'api', { ...env, PORT: String(port) }).pid as number);
  const metricsPort = await freePort();
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  pids.push(spawnStepflow(stack, 'worker', { ...env, WORKER_METRICS_PORT: String(metricsPort) }).pid as number);
  const hostMetricsPort = await freePort();
  hostMetricsUrl = `http://127.0.0.1:${hostMetricsPort}/metrics`;
  pids.push(spawnStepflow(stack, 'functions', { ...env, WORKER_METRICS_PORT: String(hostMetricsPort) }).pid as number);
  await waitForHttp(`${apiUrl}/healthz`);
});

afterAll(async () => {
  for (const pid of pids) killPid(pid, 'SIGTERM');
  await Promise.all(pids.map((pid) => waitForExit(pid)));
  await receiver.stop();
});

const MACHINE = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'a.$': '$.a', b: 2 }, Next: 'Add' },
    Add: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add', End: true },
  },
};

describe('OpenTelemetry traces', () => {
  test('one trace runs from the API request through the workflow and the Task state to the function', async () => {
    const machine = `traced-${Date.now().toString(36)}`;
    expect((await call('POST', '/v1/state-machines', { name: machine, definition: MACHINE })).status).toBe(201);
    // The caller's own trace is continued.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const started = await call(
      'POST',
      `/v1/state-machines/${machine}/executions`,
      { name: 'one', input: { a: 40 } },
      { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    );
    expect(started.status).toBe(201);
    expect(started.headers.get('traceparent')).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
    const done = await waitForEnd(`${machine}:one`);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.traceId).toBe(callerTrace);

    const spans = await until('the function span', () => {
      const inTrace = receiver.spans.filter((s) => s.traceId === callerTrace);
      return inTrace.some((s) => s.name === 'RunActivity:invokeFunction') &&
        inTrace.some((s) => s.name.startsWith('RunWorkflow:'))
        ? inTrace
        : undefined;
    });
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0] as OtlpSpan;
    };
    const request = byName(`POST /v1/state-machines/:name/executions`);
    const start = byName(`StartExecution ${machine}`);
    const startWorkflow = spans.find((s) => s.name.startsWith('StartWorkflow:')) as OtlpSpan;
    const runWorkflow = spans.find((s) => s.name.startsWith('RunWorkflow:')) as OtlpSpan;
    const prepare = byName('Pass Prepare');
    const task = byName('Task Add');
    const startActivity = byName('StartActivity:invokeFunction');
    const runActivity = byName('RunActivity:invokeFunction');

    expect(request.parentSpanId).toBe('00f067aa0ba902b7');
    expect(request.service).toBe('stepflow-api');
    expect(start.parentSpanId).toBe(request.spanId);
    expect(startWorkflow.parentSpanId).toBe(start.spanId);
    expect(runWorkflow.parentSpanId).toBe(startWorkflow.spanId);
    expect(runWorkflow.service).toBe('stepflow-worker');
    expect(prepare.parentSpanId).toBe(runWorkflow.spanId);
    expect(prepare.attributes).toMatchObject({ 'stepflow.state.name': 'Prepare', 'stepflow.state.type': 'Pass' });
    expect(task.parentSpanId).toBe(runWorkflow.spanId);
    expect(task.attributes).toMatchObject({
      'stepflow.state.name': 'Add',
      'stepflow.state.type': 'Task',
      'stepflow.execution.id': `${machine}:one`,
    });
    expect(startActivity.parentSpanId).toBe(task.spanId);
    expect(runActivity.parentSpanId).toBe(startActivity.spanId);
    expect(runActivity.service).toBe('stepflow-functions');
  });

  test('every state has a span: states in Parallel branches are children of the Parallel state', async () => {
    const machine = `traced-fan-${Date.now().toString(36)}`;
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
            {
              StartAt: 'Pick',
              States: {
                Pick: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Right' }],
                  Default: 'Stop',
                },
                Right: { Type: 'Pass', End: true },
                Stop: { Type: 'Fail', Error: 'Never' },
              },
            },
          ],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };
    expect((await call('POST', '/v1/state-machines', { name: machine, definition })).status).toBe(201);
    const started = await call('POST', `/v1/state-machines/${machine}/executions`, {
      name: 'fan',
      input: { go: true },
    });
    expect(started.status).toBe(201);
    const done = await waitForEnd(`${machine}:fan`);
    expect(done.status).toBe('SUCCEEDED');
    const spans = await until('the state spans', () => {
      const inTrace = receiver.spans.filter((s) => s.traceId === done.traceId);
      return inTrace.some((s) => s.name === 'Succeed Done') && inTrace.some((s) => s.name.startsWith('RunWorkflow:'))
        ? inTrace
        : undefined;
    });
    const only = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0] as OtlpSpan;
    };
    const runWorkflow = spans.find((s) => s.name.startsWith('RunWorkflow:')) as OtlpSpan;
    const fan = only('Parallel Fan');
    expect(fan.parentSpanId).toBe(runWorkflow.spanId);
    expect(fan.attributes).toMatchObject({ 'stepflow.state.name': 'Fan', 'stepflow.state.type': 'Parallel' });
    for (const name of ['Pass Left', 'Choice Pick', 'Pass Right']) expect(only(name).parentSpanId).toBe(fan.spanId);
    expect(only('Succeed Done').parentSpanId).toBe(runWorkflow.spanId);
    expect(spans.filter((s) => s.name === 'Fail Stop')).toEqual([]);
  });

  test('DescribeStateMachine reports tracing as configured: false when unset, as AWS does', async () => {
    const machine = `unset-${Date.now().toString(36)}`;
    const sfn = (target: string, body: object) =>
      fetch(apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
        body: JSON.stringify(body),
      });
    const created = await sfn('CreateStateMachine', {
      name: machine,
      definition: JSON.stringify(MACHINE),
      roleArn: 'arn:aws:iam::000000000000:role/x',
    });
    expect(created.status).toBe(200);
    const described = await sfn('DescribeStateMachine', {
      stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${machine}`,
    });
    expect(((await described.json()) as { tracingConfiguration: unknown }).tracingConfiguration).toEqual({
      enabled: false,
    });
  });

  test('tracingConfiguration.enabled false: the execution records no span and has no trace id', async () => {
    const machine = `untraced-${Date.now().toString(36)}`;
    const created = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
      body: JSON.stringify({
        name: machine,
        definition: JSON.stringify(MACHINE),
        roleArn: 'arn:aws:iam::000000000000:role/x',
        tracingConfiguration: { enabled: false },
      }),
    });
    expect(created.status).toBe(200);
    const described = await fetch(apiUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.DescribeStateMachine',
      },
      body: JSON.stringify({ stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${machine}` }),
    });
    expect(((await described.json()) as { tracingConfiguration: unknown }).tracingConfiguration).toEqual({
      enabled: false,
    });
    const started = await call('POST', `/v1/state-machines/${machine}/executions`, { name: 'quiet', input: { a: 1 } });
    expect(started.status).toBe(201);
    const done = await waitForEnd(`${machine}:quiet`);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.traceId).toBeUndefined();
    const requestTrace = (started.headers.get('traceparent') as string).split('-')[1];
    // A later traced execution's spans arrive; by then this one's would have too.
    const later = await call('POST', `/v1/state-machines/${machine}/executions`, { name: 'later', input: { a: 1 } });
    expect(later.status).toBe(201);
    await waitForEnd(`${machine}:later`);
    await sleep(1500);
    const names = receiver.spans.filter((s) => s.traceId === requestTrace).map((s) => s.name);
    expect(names).toEqual(['POST /v1/state-machines/:name/executions']);
  });

  test('metrics count executions and states by state machine and state type', async () => {
    const machine = `metered-${Date.now().toString(36)}`;
    expect((await call('POST', '/v1/state-machines', { name: machine, definition: MACHINE })).status).toBe(201);
    for (const name of ['m1', 'm2']) {
      expect((await call('POST', `/v1/state-machines/${machine}/executions`, { name, input: { a: 1 } })).status).toBe(
        201,
      );
      await waitForEnd(`${machine}:${name}`);
    }
    // Events reach the store from the worker and, piggybacked on invocations, from the function host.
    const texts = [await (await fetch(workerMetricsUrl)).text(), await (await fetch(hostMetricsUrl)).text()];
    // Label order is prom-client's business: a series matches when its name and every label do.
    const value = (series: string) => {
      const name = series.slice(0, series.indexOf('{'));
      const wanted = series.slice(name.length + 1, -1).split(',');
      return texts
        .flatMap((text) => text.split('\n'))
        .filter((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    };
    const labels = (extra: string) => `{state_machine="${machine}",${extra}}`;
    expect(value(`stepflow_state_transitions_total${labels('type="Pass"')}`)).toBe(2);
    expect(value(`stepflow_state_transitions_total${labels('type="Task"')}`)).toBe(2);
    expect(value(`stepflow_executions_total${labels('status="RUNNING"')}`)).toBe(2);
    expect(value(`stepflow_executions_total${labels('status="SUCCEEDED"')}`)).toBe(2);
    expect(value(`stepflow_state_duration_seconds_count${labels('type="Pass"')}`)).toBe(2);
    expect(value(`stepflow_execution_duration_seconds_count${labels('status="SUCCEEDED"')}`)).toBe(2);
    const api = await (await fetch(`${apiUrl}/metrics`)).text();
    expect(api).toMatch(
      /stepflow_api_request_duration_seconds_count\{[^}]*route="\/v1\/state-machines\/:name\/executions"/,
    );
  });
});
