import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as amqpConnect } from 'amqplib';
import { connect as natsConnect } from 'nats';
import { createPool } from '../engine/db/pool';
import { ROOT, startBenchStack, STEPFLOW_TASK_QUEUE } from './stack';

/**
 * Queue-trigger throughput: messages per second from the first publish to the last execution
 * started (its row written and its workflow started), on the real NATS JetStream or RabbitMQ.
 * `node dist/bench/queue-trigger.js [nats|rabbitmq] [messages] [maxInFlight]`.
 */
async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'nats') as 'nats' | 'rabbitmq';
  const messages = Number(process.argv[3] ?? 2000);
  const maxInFlight = Number(process.argv[4] ?? 64);
  const stack = await startBenchStack();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-bench-triggers-'));
  const out = fs.openSync(path.join(dataDir, 'triggers.log'), 'a');
  const triggers = spawn(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), 'triggers'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.namespace,
      TEMPORAL_TASK_QUEUE: STEPFLOW_TASK_QUEUE,
      STEPFLOW_TRIGGERS_RELOAD_SECONDS: '0.5',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', out, out],
  });
  const pool = createPool(stack.databaseUrl);
  const api = async (method: string, url: string, body: unknown) => {
    const res = await fetch(`${stack.apiUrl}${url}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  };
  const source = `bench_${Date.now().toString(36)}`;
  try {
    await api('POST', '/v1/state-machines', {
      name: 'queue-bench',
      definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    });
    let publish: () => Promise<void>;
    let cleanup: () => Promise<void>;
    if (kind === 'nats') {
      const nc = await natsConnect({ servers: 'nats://127.0.0.1:4222' });
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: source, subjects: [`${source}.in`, `${source}.dead`] });
      await api('POST', '/v1/queue-triggers', {
        name: 'bench',
        kind,
        url: 'nats://127.0.0.1:4222',
        source,
        subject: `${source}.in`,
        deadLetter: `${source}.dead`,
        stateMachine: 'queue-bench',
        maxInFlight,
      });
      const js = nc.jetstream();
      publish = async () => {
        const pending: Promise<unknown>[] = [];
        for (let i = 0; i < messages; i++) {
          pending.push(
            js.publish(`${source}.in`, new TextEncoder().encode(JSON.stringify({ i })), { msgID: `m-${i}` }),
          );
          if (pending.length >= 256) await Promise.all(pending.splice(0));
        }
        await Promise.all(pending);
      };
      cleanup = async () => {
        await jsm.streams.delete(source);
        await nc.close();
      };
    } else {
      const connection = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
      const channel = await connection.createConfirmChannel();
      await api('POST', '/v1/queue-triggers', {
        name: 'bench',
        kind,
        url: 'amqp://guest:guest@127.0.0.1:5672',
        source,
        deadLetter: `${source}.dead`,
        stateMachine: 'queue-bench',
        maxInFlight,
      });
      publish = async () => {
        for (let i = 0; i < messages; i++) {
          channel.sendToQueue(source, Buffer.from(JSON.stringify({ i })), { messageId: `m-${i}`, persistent: true });
        }
        await channel.waitForConfirms();
      };
      cleanup = async () => {
        await channel.deleteQueue(source);
        await channel.deleteQueue(`${source}.dead`);
        await connection.close();
      };
    }
    // Wait until the consumer is attached (its durable consumer / queue exists).
    await sleep(3000);
    const started = Date.now();
    await publish();
    const published = Date.now();
    for (;;) {
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM executions WHERE workflow_started');
      if ((rows[0].n as number) >= messages) break;
      await sleep(100);
    }
    const ms = Date.now() - started;
    const rate = (messages * 1000) / ms;
    process.stdout.write(
      `${JSON.stringify({ kind, messages, maxInFlight, publishMs: published - started, totalMs: ms, messagesPerSecond: Math.round(rate) })}\n`,
    );
    await cleanup();
  } finally {
    triggers.kill('SIGTERM');
    await new Promise((resolve) => triggers.once('exit', resolve));
    await pool.end();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
