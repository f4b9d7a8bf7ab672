import { Client, type Pool } from 'pg';
import type { MasterKey } from '../service/key-secrets';
import { unsealSecret } from '../service/key-secrets';
import type { Logger } from '../logger';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signature, statusChangeEvent, type OutboxEvent } from './event';
import { createSender, type Sender } from './senders';
import { secretKeyId } from './targets';
import type { TargetRow } from './targets-repo';

/** Arbitrary constant key of the advisory lock held by the one dispatcher that delivers. */
const DISPATCHER_LOCK_KEY = 7_311_030;
/** The channel the outbox trigger notifies at commit. */
const CHANNEL = 'stepflow_notifications';
/** Deliveries taken per target and round (each the oldest pending one of its execution). */
const BATCH = 50;
/** Deliveries in flight per target (to different executions; one execution's go one by one). */
const CONCURRENCY = 8;

/** Dispatcher settings (from config; tests shorten them). */
export interface DispatcherOptions {
  /** How often due retries are looked for (a new status change wakes it at once). */
  pollMs: number;
  /** The longest wait between two attempts of one delivery. */
  maxBackoffMs: number;
}

/** The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s … up to `maxBackoffMs`. */
export function backoffMs(attempts: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, 1000 * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
}

interface Due extends OutboxEvent {
  attempts: number;
}

/**
 * Delivers the outbox (`notification_deliveries`) to the targets. Every process that runs one
 * competes for an advisory lock; only its holder delivers, so order per execution holds with
 * several API replicas, and another takes over when the holder dies. Delivery is at least once
 * (a crash between a delivery and its deletion repeats it, with the same event id); an
 * execution's notifications go in the order of its status changes, each retried with back-off
 * until its target takes it.
 */
export class NotificationDispatcher {
  private leader?: Client;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly senders = new Map<string, { key: string; sender: Sender }>();

  constructor(
    private readonly pool: Pool,
    private readonly databaseUrl: string,
    private readonly master: MasterKey,
    private readonly options: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  /** Starts trying to lead and, once leading, delivering. */
  start(): void {
    this.schedule(0);
  }

  /** Stops delivering, closes the senders and gives up the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const { sender } of this.senders.values()) await sender.close();
    this.senders.clear();
    await this.leader?.end().catch(() => undefined);
    this.leader = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), ms);
  }

  /** Runs a round now, or right after the one running. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err) => this.log.warn({ err }, 'notification round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.schedule(this.options.pollMs);
        }
      });
  }

  /** Holds the lock on a session of its own (which also LISTENs); false when another process leads. */
  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('error', (err) => {
      this.log.warn({ err }, 'notification dispatcher lost its database session');
      if (this.leader === client) this.leader = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        DISPATCHER_LOCK_KEY,
      ]);
      if (!rows[0]?.locked) {
        await client.end();
        return false;
      }
      client.on('notification', () => this.wake());
      await client.query(`LISTEN ${CHANNEL}`);
      this.leader = client;
      this.log.info('notification dispatcher leading');
      return true;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** One pass over every target with something due. */
  private async round(): Promise<void> {
    if (!(await this.lead())) return;
    const { rows: targets } = await this.pool.query<TargetRow>(
      `SELECT t.id, t.name, t.type, t.url, t.subject, t.exchange, t.secret_sealed AS "secretSealed"
         FROM notification_targets t
        WHERE t.enabled AND EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.target_id = t.id AND d.next_attempt_at <= now())`,
    );
    const live = new Set(targets.map((t) => t.id));
    await Promise.all(targets.map((target) => this.deliverTarget(target)));
    // Senders of targets with nothing due stay open for a while; those deleted are closed.
    const { rows: existing } = await this.pool.query<{ id: string }>('SELECT id FROM notification_targets');
    const known = new Set(existing.map((row) => row.id));
    for (const [id, { sender }] of this.senders) {
      if (!known.has(id) && !live.has(id)) {
        this.senders.delete(id);
        await sender.close();
      }
    }
  }

  private senderOf(target: TargetRow): Sender {
    const key = `${target.type} ${target.url} ${target.subject ?? ''} ${target.exchange ?? ''}`;
    const cached = this.senders.get(target.id);
    if (cached?.key === key) return cached.sender;
    void cached?.sender.close();
    const sender = createSender(target);
    this.senders.set(target.id, { key, sender });
    return sender;
  }

  /** Delivers the due head of each execution's queue for one target, a batch at a time. */
  private async deliverTarget(target: TargetRow): Promise<void> {
    const secret = unsealSecret(this.master, secretKeyId(target.id), target.secretSealed);
    if (secret === undefined) {
      await this.recordTargetError(target.id, 'its secret was sealed under another master key (STEPFLOW_MASTER_KEY)');
      return;
    }
    const sender = this.senderOf(target);
    for (let rounds = 0; rounds < 20 && !this.stopped; rounds++) {
      const due = await this.dueHeads(target.id);
      if (due.length === 0) return;
      let failed = false;
      for (let i = 0; i < due.length; i += CONCURRENCY) {
        const outcomes = await Promise.all(
          due.slice(i, i + CONCURRENCY).map((event) => this.deliverOne(target, sender, secret, event)),
        );
        failed ||= outcomes.includes(false);
      }
      // A target that failed now gets its retries on their schedule, not in a tight loop.
      if (failed) return;
    }
  }

  /** The oldest pending delivery of each execution, if it is due. */
  private async dueHeads(targetId: string): Promise<Due[]> {
    const { rows } = await this.pool.query<Due>(
      `SELECT e.seq, e.id, e.execution_id AS "executionId", e.state_machine AS "stateMachine", e.name, e.status,
              e.start_date AS "startDate", e.stop_date AS "stopDate", e.input, e.output, e.error, e.cause,
              e.redrive_count AS "redriveCount", e.redrive_date AS "redriveDate",
              e.published_version AS "publishedVersion", e.alias, e.time, h.attempts
         FROM (SELECT DISTINCT ON (execution_id) event_seq, attempts, next_attempt_at
                 FROM notification_deliveries WHERE target_id = $1
                ORDER BY execution_id, event_seq) h
         JOIN notification_events e ON e.seq = h.event_seq
        WHERE h.next_attempt_at <= now()
        ORDER BY e.seq LIMIT ${BATCH}`,
      [targetId],
    );
    return rows;
  }

  private async deliverOne(target: TargetRow, sender: Sender, secret: string, event: Due): Promise<boolean> {
    const body = JSON.stringify(statusChangeEvent(event));
    const headers = {
      [EVENT_ID_HEADER]: event.id,
      [SIGNATURE_HEADER]: signature(secret, Math.floor(Date.now() / 1000), body),
    };
    const log = this.log.child({ executionId: event.executionId, target: target.name, eventId: event.id });
    try {
      await sender.send({ eventId: event.id, body, headers });
    } catch (err) {
      const message = (err as Error).message.slice(0, 1000);
      const delay = backoffMs(event.attempts + 1, this.options.maxBackoffMs);
      await this.pool.query(
        `UPDATE notification_deliveries SET attempts = attempts + 1, last_error = $3,
            next_attempt_at = now() + ($4 || ' milliseconds')::interval
          WHERE target_id = $1 AND event_seq = $2`,
        [target.id, event.seq, message, String(delay)],
      );
      await this.recordTargetError(target.id, message);
      log.warn({ attempts: event.attempts + 1, retryInMs: delay, error: message }, 'notification delivery failed');
      return false;
    }
    await this.pool.query('DELETE FROM notification_deliveries WHERE target_id = $1 AND event_seq = $2', [
      target.id,
      event.seq,
    ]);
    await this.pool.query(
      `DELETE FROM notification_events e WHERE e.seq = $1
          AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_seq = e.seq)`,
      [event.seq],
    );
    await this.pool.query(
      `UPDATE notification_targets SET delivered_count = delivered_count + 1, last_delivered_at = now() WHERE id = $1`,
      [target.id],
    );
    log.debug({ status: event.status, attempts: event.attempts + 1 }, 'notification delivered');
    return true;
  }

  private async recordTargetError(targetId: string, message: string): Promise<void> {
    await this.pool.query('UPDATE notification_targets SET last_error = $2, last_error_at = now() WHERE id = $1', [
      targetId,
      message,
    ]);
  }
}
