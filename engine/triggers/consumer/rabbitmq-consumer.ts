import { connect, type ConsumeMessage } from 'amqplib';
import type { QueueTriggerRow } from '../../db/trigger-queues-repo';
import type { ServiceDeps } from '../../service/deps';
import { retryDelayMs, startForMessage } from './message-start';
import type { RunningConsumer } from './running-consumer';

/** Header counting a message's failed starts (RabbitMQ's classic queues keep no delivery count). */
export const ATTEMPTS_HEADER = 'x-stepflow-attempts';

/**
 * Reads a RabbitMQ queue (declared durable, with the dead-letter queue) on a confirm channel with
 * prefetch `maxInFlight`. Each message starts one execution and is acked only after the start is
 * durable; the message id is its `message-id` property (without one a message is not
 * deduplicated). A poison message is republished with its attempt count (confirmed before the
 * original is acked) until `maxAttempts`, then sent to the dead-letter queue (confirmed, then
 * acked). A transient failure (store or Temporal down) requeues it after a pause.
 */
export async function startRabbitConsumer(
  deps: ServiceDeps,
  trigger: QueueTriggerRow,
  url: string,
): Promise<RunningConsumer> {
  const log = deps.log.child({ queueTrigger: trigger.name, kind: 'rabbitmq' });
  const connection = await connect(url);
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  connection.on('error', (err: Error) => log.warn({ err }, 'rabbitmq connection error'));
  connection.on('close', () => closed());
  const channel = await connection.createConfirmChannel();
  channel.on('error', (err: Error) => log.warn({ err }, 'rabbitmq channel error'));
  await channel.assertQueue(trigger.source, { durable: true });
  await channel.assertQueue(trigger.deadLetter, { durable: true });
  await channel.prefetch(trigger.maxInFlight);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const republish = async (queue: string, msg: ConsumeMessage, headers: Record<string, unknown>): Promise<void> => {
    channel.sendToQueue(queue, msg.content, {
      ...msg.properties,
      persistent: true,
      headers: { ...(msg.properties.headers ?? {}), ...headers },
    });
    await channel.waitForConfirms();
  };

  const handle = async (msg: ConsumeMessage): Promise<void> => {
    const messageId = typeof msg.properties.messageId === 'string' ? msg.properties.messageId : undefined;
    const outcome = await startForMessage(deps, trigger, messageId, msg.content);
    if (outcome.ok) {
      channel.ack(msg);
      return;
    }
    const attempt = Number(msg.properties.headers?.[ATTEMPTS_HEADER] ?? 0) + 1;
    if (outcome.kind === 'transient') {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
      channel.nack(msg, false, true);
      return;
    }
    if (attempt >= trigger.maxAttempts) {
      await republish(trigger.deadLetter, msg, {
        [ATTEMPTS_HEADER]: attempt,
        'x-stepflow-trigger': trigger.name,
        'x-stepflow-error': outcome.reason.slice(0, 1000),
      });
      channel.ack(msg);
      log.warn({ messageId, attempt, reason: outcome.reason }, 'message dead-lettered');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    await republish(trigger.source, msg, { [ATTEMPTS_HEADER]: attempt });
    channel.ack(msg);
  };

  const { consumerTag } = await channel.consume(
    trigger.source,
    (msg) => {
      if (!msg || stopping) return;
      const work = handle(msg).catch((err) => {
        // Not acked: RabbitMQ redelivers it when the channel closes.
        log.warn({ err }, 'message handling failed');
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
    { noAck: false },
  );
  log.info({ queue: trigger.source, maxInFlight: trigger.maxInFlight }, 'queue trigger consuming');

  return {
    async stop() {
      stopping = true;
      await channel.cancel(consumerTag).catch(() => undefined);
      await Promise.allSettled(inFlight);
      await connection.close().catch(() => undefined);
      log.info('queue trigger stopped');
    },
    closed: closedPromise,
  };
}
