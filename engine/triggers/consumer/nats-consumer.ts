import { AckPolicy, connect, DeliverPolicy, headers as natsHeaders, type JsMsg, type NatsConnection } from 'nats';
import type { QueueTriggerRow } from '../../db/trigger-queues-repo';
import type { ServiceDeps } from '../../service/deps';
import { retryDelayMs, startForMessage } from './message-start';
import type { RunningConsumer } from './running-consumer';

/**
 * How long NATS waits for an ack before redelivering: short, so the messages a killed consumer
 * held come back soon; a start in progress extends it (`working()`) every WORKING_MS.
 */
const ACK_WAIT_NS = 15 * 1_000_000_000;
const WORKING_MS = 5_000;

/** The durable consumer a trigger reads through. */
export function natsDurableName(trigger: string): string {
  return `stepflow-${trigger}`;
}

/**
 * Reads a JetStream stream through a durable pull consumer (`stepflow-<trigger>`, explicit acks,
 * at most `maxInFlight` unacknowledged). Each message starts one execution; it is acked
 * (double-ack: confirmed by the server) only after the start is durable. The message id is the
 * `Nats-Msg-Id` header, else `<stream>:<sequence>`. A poison message is retried (nak with
 * back-off) until its `maxAttempts`-th delivery, then published to the dead-letter subject (a
 * stream must capture it: the publish is acknowledged before the message is) and acked.
 */
export async function startNatsConsumer(
  deps: ServiceDeps,
  trigger: QueueTriggerRow,
  url: string,
): Promise<RunningConsumer> {
  const log = deps.log.child({ queueTrigger: trigger.name, kind: 'nats' });
  const nc: NatsConnection = await connect({ servers: url.split(','), name: `stepflow-triggers-${trigger.name}` });
  try {
    const jsm = await nc.jetstreamManager();
    const durable = natsDurableName(trigger.name);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_NS,
      max_ack_pending: trigger.maxInFlight,
      max_deliver: -1,
      ...(trigger.subject ? { filter_subject: trigger.subject } : {}),
    };
    try {
      await jsm.consumers.info(trigger.source, durable);
      await jsm.consumers.update(trigger.source, durable, {
        ack_wait: ACK_WAIT_NS,
        max_ack_pending: trigger.maxInFlight,
        ...(trigger.subject ? { filter_subject: trigger.subject } : {}),
      });
    } catch {
      await jsm.consumers.add(trigger.source, { ...config, deliver_policy: DeliverPolicy.All });
    }
  } catch (err) {
    await nc.close();
    throw err;
  }
  const js = nc.jetstream();
  const consumer = await js.consumers.get(trigger.source, natsDurableName(trigger.name));
  const messages = await consumer.consume({ max_messages: trigger.maxInFlight });
  const inFlight = new Set<Promise<void>>();

  const handle = async (m: JsMsg): Promise<void> => {
    const messageId = m.headers?.get('Nats-Msg-Id') || `${trigger.source}:${m.seq}`;
    const working = setInterval(() => m.working(), WORKING_MS);
    const outcome = await startForMessage(deps, trigger, messageId, m.data).finally(() => clearInterval(working));
    if (outcome.ok) {
      await m.ackAck();
      return;
    }
    const attempt = m.info.deliveryCount;
    if (outcome.kind === 'poison' && attempt >= trigger.maxAttempts) {
      const h = natsHeaders();
      h.set('Stepflow-Trigger', trigger.name);
      h.set('Stepflow-Error', outcome.reason.slice(0, 1000));
      h.set('Stepflow-Original-Subject', m.subject);
      h.set('Stepflow-Message-Id', messageId);
      await js.publish(trigger.deadLetter, m.data, { headers: h, msgID: `dead-${trigger.name}-${messageId}` });
      await m.ackAck();
      log.warn({ messageId, attempt, reason: outcome.reason }, 'message dead-lettered');
      return;
    }
    m.nak(retryDelayMs(attempt));
  };

  const loop = (async () => {
    for await (const m of messages) {
      const work = handle(m).catch((err) => {
        // Not acked: JetStream redelivers it after ack_wait (or at once on nak).
        log.warn({ err, seq: m.seq }, 'message handling failed');
        try {
          m.nak(retryDelayMs(m.info.deliveryCount));
        } catch {
          // the connection is gone; the server redelivers after ack_wait
        }
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      // max_ack_pending bounds what the server sends; this bounds what runs here.
      while (inFlight.size >= trigger.maxInFlight) await Promise.race(inFlight);
    }
  })();
  log.info(
    { stream: trigger.source, subject: trigger.subject, maxInFlight: trigger.maxInFlight },
    'queue trigger consuming',
  );

  return {
    async stop() {
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.allSettled(inFlight);
      await nc.drain().catch(() => nc.close());
      log.info('queue trigger stopped');
    },
    closed: loop.then(() => nc.closed()).then(() => undefined),
  };
}
