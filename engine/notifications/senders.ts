import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { connect as natsConnect, headers as natsHeaders, type NatsConnection } from 'nats';
import type { TargetRow } from './targets-repo';

/** How long one delivery may take before it counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** One message to deliver: the JSON body and the headers every target type carries. */
export interface Outgoing {
  eventId: string;
  body: string;
  headers: Record<string, string>;
}

/** Delivers to one target; `send` resolves only once the target has the message durably. */
export interface Sender {
  send(message: Outgoing): Promise<void>;
  close(): Promise<void>;
}

/** A delivery the target refused or could not take; the message says why (kept as `lastError`). */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(`${what} timed out`)), DELIVERY_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A webhook: POST of the JSON event; any 2xx answer is a delivery. */
function webhookSender(url: string): Sender {
  return {
    async send(message) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...message.headers },
          body: message.body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          redirect: 'manual',
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        throw new DeliveryError(`POST failed: ${cause ?? (err as Error).message}`);
      }
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299) throw new DeliveryError(`POST answered ${res.status}`);
    },
    async close() {},
  };
}

/**
 * NATS JetStream: a publish acknowledged by the stream that captures the subject (core NATS
 * would drop a message nobody listens to). `msgID` is the event id, so a retried publish is
 * deduplicated by the stream's duplicate window.
 */
function natsSender(url: string, subject: string): Sender {
  let connection: NatsConnection | undefined;
  const drop = async () => {
    const open = connection;
    connection = undefined;
    await open?.close().catch(() => undefined);
  };
  return {
    async send(message) {
      try {
        connection ??= await natsConnect({
          servers: url.replace(/^nats:\/\//, ''),
          reconnect: false,
          timeout: DELIVERY_TIMEOUT_MS,
        });
        const headers = natsHeaders();
        for (const [key, value] of Object.entries(message.headers)) headers.set(key, value);
        headers.set('content-type', 'application/json');
        await connection.jetstream().publish(subject, new TextEncoder().encode(message.body), {
          msgID: message.eventId,
          headers,
          timeout: DELIVERY_TIMEOUT_MS,
        });
      } catch (err) {
        await drop();
        throw new DeliveryError(`NATS publish to ${subject} failed: ${(err as Error).message}`);
      }
    },
    close: drop,
  };
}

/**
 * RabbitMQ: a persistent, mandatory publish on a confirm channel; delivered once the broker
 * confirms it and did not return it as unroutable (no queue bound to take it).
 */
function rabbitSender(url: string, exchange: string, routingKey: string): Sender {
  let model: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  const returned = new Set<string>();
  const drop = async () => {
    const open = model;
    model = undefined;
    channel = undefined;
    await open?.close().catch(() => undefined);
  };
  const open = async (): Promise<ConfirmChannel> => {
    if (channel) return channel;
    const connected = await withTimeout(amqp.connect(url, { timeout: DELIVERY_TIMEOUT_MS }), 'RabbitMQ connect');
    connected.on('error', () => undefined);
    connected.on('close', () => {
      if (model === connected) {
        model = undefined;
        channel = undefined;
      }
    });
    const created = await connected.createConfirmChannel();
    created.on('error', () => undefined);
    created.on('return', (msg) => {
      const id = msg.properties.messageId as string | undefined;
      if (id) returned.add(id);
    });
    model = connected;
    channel = created;
    return created;
  };
  return {
    async send(message) {
      try {
        const ch = await open();
        returned.delete(message.eventId);
        await withTimeout(
          new Promise<void>((resolve, reject) => {
            ch.publish(
              exchange,
              routingKey,
              Buffer.from(message.body),
              {
                persistent: true,
                mandatory: true,
                contentType: 'application/json',
                messageId: message.eventId,
                headers: message.headers,
              },
              (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
            );
          }),
          'RabbitMQ publish',
        );
        if (returned.delete(message.eventId)) throw new DeliveryError('unroutable: no queue is bound to take it');
      } catch (err) {
        if (err instanceof DeliveryError && err.message.startsWith('unroutable')) {
          throw new DeliveryError(`RabbitMQ publish to '${exchange}' '${routingKey}' ${err.message}`);
        }
        await drop();
        throw new DeliveryError(`RabbitMQ publish to '${exchange}' '${routingKey}' failed: ${(err as Error).message}`);
      }
    },
    close: drop,
  };
}

/** The sender for a target (kept open between deliveries; reopened after a failure). */
export function createSender(target: Pick<TargetRow, 'type' | 'url' | 'subject' | 'exchange'>): Sender {
  switch (target.type) {
    case 'webhook':
      return webhookSender(target.url);
    case 'nats':
      return natsSender(target.url, target.subject ?? '');
    case 'rabbitmq':
      return rabbitSender(target.url, target.exchange ?? '', target.subject ?? '');
  }
}
