import { listQueueTriggers, type QueueTriggerRow } from '../../db/trigger-queues-repo';
import type { ServiceDeps } from '../../service/deps';
import { brokerUrl } from '../queue-triggers';
import { startNatsConsumer } from './nats-consumer';
import { startRabbitConsumer } from './rabbitmq-consumer';
import type { RunningConsumer } from './running-consumer';

/** What a trigger's consumer was started from: a changed row restarts it. */
const fingerprint = (row: QueueTriggerRow) => `${row.updatedAt.toISOString()}|${row.createdAt.toISOString()}`;

/**
 * Keeps one consumer per configured queue trigger: every `reloadMs` it reads the triggers,
 * starts the new ones (and those whose consumer ended, e.g. a lost connection), and stops the
 * deleted or changed ones. One trigger failing to connect does not hold up the others.
 */
export class QueueTriggerManager {
  private readonly running = new Map<string, { key: string; consumer?: RunningConsumer; ended: boolean }>();
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly reloadMs: number,
  ) {}

  start(): Promise<void> {
    const first = this.reload();
    this.timer = setInterval(() => void this.reload(), this.reloadMs);
    return first;
  }

  /** One reconciliation pass (serialised). */
  reload(): Promise<void> {
    this.reloading ??= this.reconcile()
      .catch((err) => this.deps.log.warn({ err }, 'queue trigger reload failed'))
      .finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const rows = await listQueueTriggers(this.deps.pool, 1_000);
    const wanted = new Map(rows.map((row) => [row.name, row]));
    for (const [name, entry] of this.running) {
      const row = wanted.get(name);
      if (!row || fingerprint(row) !== entry.key || entry.ended) {
        this.running.delete(name);
        await entry.consumer?.stop().catch((err) => this.deps.log.warn({ err, queueTrigger: name }, 'stop failed'));
      }
    }
    await Promise.all(rows.filter((row) => !this.running.has(row.name)).map((row) => this.launch(row)));
  }

  private async launch(row: QueueTriggerRow): Promise<void> {
    const url = brokerUrl(this.deps.config, row);
    if (!url) {
      this.deps.log.error({ queueTrigger: row.name }, 'queue trigger url sealed under another master key; skipped');
      return;
    }
    const entry: { key: string; consumer?: RunningConsumer; ended: boolean } = { key: fingerprint(row), ended: false };
    this.running.set(row.name, entry);
    try {
      const start = row.kind === 'nats' ? startNatsConsumer : startRabbitConsumer;
      entry.consumer = await start(this.deps, row, url);
      void entry.consumer.closed.then(() => (entry.ended = true));
    } catch (err) {
      this.deps.log.warn({ err, queueTrigger: row.name }, 'queue trigger could not start; retrying at the next reload');
      entry.ended = true;
    }
  }

  /** Stops every consumer (messages in flight finish first). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.reloading;
    await Promise.all([...this.running.values()].map((entry) => entry.consumer?.stop()));
    this.running.clear();
  }
}
