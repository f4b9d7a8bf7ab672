import { createHmac } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { call, createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { freePort } from './support/stack';
import { TcpProxy } from './support/tcp-proxy';

/** A notification as received, with its signature checked against the target's secret. */
interface Received {
  body: any;
  signed: boolean;
}

function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2];
}

/** A webhook receiver on a fixed port, stopped and restarted at will. */
class Receiver {
  readonly received: Received[] = [];
  private server?: http.Server;
  secret = '';

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          body: JSON.parse(text),
          signed: verify(this.secret, request.headers['stepflow-signature'] as string, text),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The statuses each execution was announced with, in the order they arrived. */
function byExecution(events: any[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const event of events) (out[event.detail.name] ??= []).push(event.detail.status);
  return out;
}

const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } };
const FAIL = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } };

describe('status-change notifications', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  test('a webhook down for a while gets every notification, signed and in order per execution, when it is back', async () => {
    const machine = uniqueName('notify-hook');
    await createMachine(machine, PASS);
    const receiver = new Receiver(await freePort());
    const name = uniqueName('hook');
    const created = await call('POST', '/v1/notification-targets', {
      name,
      type: 'webhook',
      url: `http://127.0.0.1:${receiver.port}/events`,
      stateMachines: [machine],
    });
    expect(created.status).toBe(201);
    receiver.secret = created.body.secret;
    cleanup.push(() => call('DELETE', `/v1/notification-targets/${name}`));
    cleanup.push(() => receiver.stop());

    // Down: nothing listens on the port.
    const names = ['a', 'b', 'c'];
    for (const n of names) await startExecution(machine, { n }, n);
    for (const n of names) expect((await waitForEnd(`${machine}:${n}`)).status).toBe('SUCCEEDED');
    const waiting = await until('failed deliveries', async () => {
      const target = (await call('GET', `/v1/notification-targets/${name}`)).body;
      return target.lastError && target.pending === 6 ? target : undefined;
    });
    expect(waiting.lastError).toMatch(/^POST failed: ECONNREFUSED/);
    expect(receiver.received).toEqual([]);

    // Back: every notification arrives.
    await receiver.start();
    await until('six notifications', () => (receiver.received.length >= 6 ? true : undefined), 90_000);
    await sleep(500);
    expect(receiver.received).toHaveLength(6);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
    expect(byExecution(receiver.received.map((r) => r.body))).toEqual({
      a: ['RUNNING', 'SUCCEEDED'],
      b: ['RUNNING', 'SUCCEEDED'],
      c: ['RUNNING', 'SUCCEEDED'],
    });
    const done = receiver.received.find((r) => r.body.detail.name === 'b' && r.body.detail.status === 'SUCCEEDED');
    expect(done?.body).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [`arn:aws:states:us-east-1:000000000000:execution:${machine}:b`],
      detail: {
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:${machine}:b`,
        stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${machine}`,
        name: 'b',
        status: 'SUCCEEDED',
        input: '{"n":"b"}',
        output: '{"ok":true}',
        inputDetails: { included: true },
        outputDetails: { included: true },
        error: null,
        cause: null,
        redriveCount: 0,
        stepflow: { executionId: `${machine}:b` },
      },
    });
    expect(typeof done?.body.detail.stopDate).toBe('number');
    const after = (await call('GET', `/v1/notification-targets/${name}`)).body;
    expect(after).toMatchObject({ pending: 0, deliveredCount: 6 });
  });

  test('filters: a target gets only the state machines and statuses it names', async () => {
    const wanted = uniqueName('notify-wanted');
    const other = uniqueName('notify-other');
    await createMachine(wanted, FAIL);
    await createMachine(`${wanted}-ok`, PASS);
    await createMachine(other, FAIL);
    const receiver = new Receiver(await freePort());
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const name = uniqueName('filtered');
    const created = await call('POST', '/v1/notification-targets', {
      name,
      type: 'webhook',
      url: `http://127.0.0.1:${receiver.port}/`,
      stateMachines: [wanted, `${wanted}-ok`],
      statuses: ['FAILED'],
    });
    expect(created.status).toBe(201);
    receiver.secret = created.body.secret;
    cleanup.push(() => call('DELETE', `/v1/notification-targets/${name}`));

    await startExecution(`${wanted}-ok`, {}, 'fine');
    await startExecution(other, {}, 'elsewhere');
    await startExecution(wanted, {}, 'broken');
    for (const id of [`${wanted}-ok:fine`, `${other}:elsewhere`, `${wanted}:broken`]) await waitForEnd(id);
    await until('the FAILED notification', () => (receiver.received.length >= 1 ? true : undefined));
    // Everything the trigger wrote for this target is delivered: nothing else may still come.
    await until('no pending delivery', async () =>
      (await call('GET', `/v1/notification-targets/${name}`)).body.pending === 0 ? true : undefined,
    );
    expect(receiver.received.map((r) => [r.body.detail.name, r.body.detail.status, r.body.detail.error])).toEqual([
      ['broken', 'FAILED', 'Boom'],
    ]);
  });

  test('a large input and output arrive whole (kept apart from the execution row)', async () => {
    const machine = uniqueName('notify-large');
    await createMachine(machine, { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } });
    const receiver = new Receiver(await freePort());
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const name = uniqueName('large');
    const created = await call('POST', '/v1/notification-targets', {
      name,
      type: 'webhook',
      url: `http://127.0.0.1:${receiver.port}/`,
      stateMachines: [machine],
      statuses: ['SUCCEEDED'],
    });
    expect(created.status).toBe(201);
    receiver.secret = created.body.secret;
    cleanup.push(() => call('DELETE', `/v1/notification-targets/${name}`));

    const input = { lines: Array.from({ length: 400 }, (_, i) => `line ${i}: naïve "quoted"`) };
    expect(JSON.stringify(input).length).toBeGreaterThan(8_000);
    await startExecution(machine, input, 'big');
    expect((await waitForEnd(`${machine}:big`)).status).toBe('SUCCEEDED');
    await until('the SUCCEEDED notification', () => (receiver.received.length >= 1 ? true : undefined));
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].body.detail).toMatchObject({
      name: 'big',
      status: 'SUCCEEDED',
      input: JSON.stringify(input),
      output: JSON.stringify(input),
    });
  });

  test('NATS JetStream: notifications published while the server was unreachable arrive when it is back', async () => {
    const machine = uniqueName('notify-nats');
    await createMachine(machine, PASS);
    const stream = uniqueName('stepflow_test').replace(/-/g, '_');
    const subject = `stepflow.test.${stream}`;
    const nc: NatsConnection = await natsConnect({ servers: '127.0.0.1:4222' });
    cleanup.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    cleanup.push(() => jsm.streams.delete(stream));
    const proxy = new TcpProxy(await freePort(), { host: '127.0.0.1', port: 4222 });
    cleanup.push(() => proxy.stop());
    const name = uniqueName('nats');
    const created = await call('POST', '/v1/notification-targets', {
      name,
      type: 'nats',
      url: `nats://127.0.0.1:${proxy.port}`,
      subject,
      stateMachines: [machine],
    });
    expect(created.status).toBe(201);
    cleanup.push(() => call('DELETE', `/v1/notification-targets/${name}`));

    // Unreachable: the proxy does not listen.
    for (const n of ['one', 'two']) await startExecution(machine, {}, n);
    for (const n of ['one', 'two']) await waitForEnd(`${machine}:${n}`);
    await until('failed deliveries', async () => {
      const target = (await call('GET', `/v1/notification-targets/${name}`)).body;
      return target.lastError && target.pending === 4 ? true : undefined;
    });
    expect((await jsm.streams.info(stream)).state.messages).toBe(0);

    await proxy.start();
    await until(
      'four messages in the stream',
      async () => ((await jsm.streams.info(stream)).state.messages >= 4 ? true : undefined),
      90_000,
    );
    const events: any[] = [];
    for (let seq = 1; seq <= 4; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      expect(
        verify(created.body.secret, message.header.get('stepflow-signature'), new TextDecoder().decode(message.data)),
      ).toBe(true);
      events.push(message.json());
    }
    expect(byExecution(events)).toEqual({ one: ['RUNNING', 'SUCCEEDED'], two: ['RUNNING', 'SUCCEEDED'] });
  });

  test('RabbitMQ: a notification no queue could take yet is delivered once the queue is bound', async () => {
    const machine = uniqueName('notify-amqp');
    await createMachine(machine, PASS);
    const queue = uniqueName('stepflow-test-notify');
    const name = uniqueName('amqp');
    const created = await call('POST', '/v1/notification-targets', {
      name,
      type: 'rabbitmq',
      url: 'amqp://guest:guest@127.0.0.1:5672',
      exchange: '',
      routingKey: queue,
      stateMachines: [machine],
      statuses: ['SUCCEEDED'],
    });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('amqp://guest:***@127.0.0.1:5672');
    cleanup.push(() => call('DELETE', `/v1/notification-targets/${name}`));

    await startExecution(machine, { v: 1 }, 'only');
    await waitForEnd(`${machine}:only`);
    const waiting = await until('a refused delivery', async () => {
      const target = (await call('GET', `/v1/notification-targets/${name}`)).body;
      return target.lastError ? target : undefined;
    });
    expect(waiting.lastError).toMatch(/unroutable/);

    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    cleanup.push(() => connection.close());
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    cleanup.push(() => channel.deleteQueue(queue));
    const message = await until(
      'the message',
      async () => (await channel.get(queue, { noAck: true })) || undefined,
      90_000,
    );
    const body = message.content.toString('utf8');
    expect(verify(created.body.secret, message.properties.headers?.['stepflow-signature'] as string, body)).toBe(true);
    expect(JSON.parse(body).detail).toMatchObject({
      name: 'only',
      status: 'SUCCEEDED',
      input: '{"v":1}',
      output: '{"ok":true}',
    });
  });
});
