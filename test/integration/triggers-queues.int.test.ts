import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as amqpConnect } from 'amqplib';
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from 'nats';
import { createPool, type Pool } from '../../engine/db/pool';
import { call, createMachine, uniqueName } from './support/client';
import { readStack } from './support/stack';
import { killTriggers, spawnTriggers, until } from './support/triggers';

const NATS_URL = 'nats://127.0.0.1:4222';
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const ECHO = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };
const MESSAGES = 1000;

jest.setTimeout(300_000);

let pool: Pool;
let triggers: ChildProcess | undefined;

beforeAll(() => {
  pool = createPool(readStack().databaseUrl);
});

afterAll(async () => {
  if (triggers) await killTriggers(triggers, 'SIGTERM');
  await pool.end();
});

async function countExecutions(machine: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM executions WHERE state_machine = $1', [machine]);
  return rows[0].n as number;
}

async function inputsOf(machine: string): Promise<number[]> {
  const { rows } = await pool.query('SELECT input FROM executions WHERE state_machine = $1', [machine]);
  return rows.map((row) => (row.input as { i: number }).i).sort((a, b) => a - b);
}

/** Kills the consumer (SIGKILL) once some but not all messages have become executions, then starts another. */
async function killInTheMiddle(machine: string): Promise<number> {
  const atKill = await until(
    () => countExecutions(machine),
    (n) => n >= MESSAGES / 4,
  );
  await killTriggers(triggers as ChildProcess);
  triggers = spawnTriggers(readStack());
  return atKill;
}

describe('queue triggers', () => {
  test('NATS JetStream: 1,000 messages become exactly 1,000 executions across a killed consumer; a poison message is dead-lettered', async () => {
    const machine = uniqueName('nats');
    await createMachine(machine, ECHO);
    const stream = uniqueName('SF').replace(/[^A-Za-z0-9_-]/g, '_');
    const nc: NatsConnection = await natsConnect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.in`, `${stream}.dead`] });
    try {
      const trigger = uniqueName('nt').replace(/[^A-Za-z0-9_-]/g, '');
      const created = await call('POST', '/v1/queue-triggers', {
        name: trigger,
        kind: 'nats',
        url: NATS_URL,
        source: stream,
        subject: `${stream}.in`,
        deadLetter: `${stream}.dead`,
        stateMachine: machine,
        maxInFlight: 32,
        maxAttempts: 3,
      });
      expect(created.status).toBe(201);
      triggers ??= spawnTriggers(readStack());

      const js = nc.jetstream();
      const poisonHeaders = natsHeaders();
      await js.publish(`${stream}.in`, new TextEncoder().encode('{not json'), {
        msgID: 'poison',
        headers: poisonHeaders,
      });
      for (let i = 0; i < MESSAGES; i++) {
        await js.publish(`${stream}.in`, new TextEncoder().encode(JSON.stringify({ i })), { msgID: `m-${i}` });
      }
      const atKill = await killInTheMiddle(machine);
      expect(atKill).toBeLessThan(MESSAGES);

      await until(
        () => countExecutions(machine),
        (n) => n >= MESSAGES,
        240_000,
      );
      const info = await until(
        () => jsm.consumers.info(stream, `stepflow-${trigger}`),
        (consumer) => consumer.num_pending === 0 && consumer.num_ack_pending === 0,
      );
      expect(info.num_pending).toBe(0);
      expect(await countExecutions(machine)).toBe(MESSAGES);
      expect(await inputsOf(machine)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));

      const dead = await until(
        () => jsm.streams.getMessage(stream, { last_by_subj: `${stream}.dead` }).catch(() => undefined),
        (message) => message !== undefined,
      );
      expect(new TextDecoder().decode(dead?.data)).toBe('{not json');
      expect(dead?.header.get('Stepflow-Message-Id')).toBe('poison');
      expect(dead?.header.get('Stepflow-Error')).toMatch(/^INVALID_EXECUTION_INPUT/);
      expect((await call('DELETE', `/v1/queue-triggers/${trigger}`)).status).toBe(204);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });

  test('RabbitMQ: 1,000 messages become exactly 1,000 executions across a killed consumer; a poison message is dead-lettered', async () => {
    const machine = uniqueName('rabbit');
    await createMachine(machine, ECHO);
    const queue = uniqueName('sf-in');
    const deadQueue = `${queue}.dead`;
    const connection = await amqpConnect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    try {
      const trigger = uniqueName('rt').replace(/[^A-Za-z0-9_-]/g, '');
      const created = await call('POST', '/v1/queue-triggers', {
        name: trigger,
        kind: 'rabbitmq',
        url: AMQP_URL,
        source: queue,
        deadLetter: deadQueue,
        stateMachine: machine,
        maxInFlight: 32,
        maxAttempts: 3,
      });
      expect(created.status).toBe(201);
      expect(created.body.url).toBe('amqp://guest:***@127.0.0.1:5672');
      triggers ??= spawnTriggers(readStack());

      channel.sendToQueue(queue, Buffer.from('{not json'), { messageId: 'poison', persistent: true });
      for (let i = 0; i < MESSAGES; i++) {
        channel.sendToQueue(queue, Buffer.from(JSON.stringify({ i })), { messageId: `m-${i}`, persistent: true });
      }
      await channel.waitForConfirms();
      const atKill = await killInTheMiddle(machine);
      expect(atKill).toBeLessThan(MESSAGES);

      await until(
        () => countExecutions(machine),
        (n) => n >= MESSAGES,
        240_000,
      );
      await until(
        async () => (await channel.checkQueue(queue)).messageCount,
        (n) => n === 0,
      );
      const dead = await until(
        () => channel.get(deadQueue, { noAck: true }),
        (message) => message !== false,
      );
      // Every message has been acked or dead-lettered by now; let late duplicates show if any.
      await sleep(2000);
      expect(await countExecutions(machine)).toBe(MESSAGES);
      expect(await inputsOf(machine)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
      expect(dead && dead.content.toString()).toBe('{not json');
      expect(dead && dead.properties.messageId).toBe('poison');
      expect(dead && dead.properties.headers?.['x-stepflow-attempts']).toBe(3);
      expect((await call('DELETE', `/v1/queue-triggers/${trigger}`)).status).toBe(204);
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteQueue(deadQueue).catch(() => undefined);
      await connection.close();
    }
  });
});
