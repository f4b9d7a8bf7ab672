import { keyedTable } from './keyed-table';
import type { Queryable } from './pool';

/** The brokers a queue trigger reads. */
export const QUEUE_KINDS = ['nats', 'rabbitmq'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** A queue trigger as stored: the broker URL only sealed (and redacted for display). */
export interface QueueTriggerRow {
  name: string;
  kind: QueueKind;
  urlSealed: string;
  urlRedacted: string;
  /** NATS: the stream; RabbitMQ: the queue. */
  source: string;
  /** NATS: the filter subject of the consumer (null: the whole stream). */
  subject: string | null;
  /** NATS: the subject, RabbitMQ: the queue, that receives a message after `maxAttempts` failed starts. */
  deadLetter: string;
  stateMachine: string;
  version: number | null;
  alias: string | null;
  maxInFlight: number;
  maxAttempts: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `name, kind, url_sealed AS "urlSealed", url_redacted AS "urlRedacted", source, subject,
  dead_letter AS "deadLetter", state_machine AS "stateMachine", version, alias, max_in_flight AS "maxInFlight",
  max_attempts AS "maxAttempts", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Stores a queue trigger; undefined when the name is taken. */
export async function insertQueueTrigger(
  db: Queryable,
  row: Omit<QueueTriggerRow, 'createdAt' | 'updatedAt'>,
): Promise<QueueTriggerRow | undefined> {
  const { rows } = await db.query(
    `INSERT INTO trigger_queues (name, kind, url_sealed, url_redacted, source, subject, dead_letter, state_machine,
       version, alias, max_in_flight, max_attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    [
      row.name,
      row.kind,
      row.urlSealed,
      row.urlRedacted,
      row.source,
      row.subject,
      row.deadLetter,
      row.stateMachine,
      row.version,
      row.alias,
      row.maxInFlight,
      row.maxAttempts,
    ],
  );
  return rows[0];
}

/** Queue triggers by name: one, a page after `after` (the consumer process reads up to 1,000), a delete. */
export const {
  find: findQueueTrigger,
  list: listQueueTriggers,
  remove: deleteQueueTrigger,
} = keyedTable<QueueTriggerRow>('trigger_queues', 'name', COLUMNS);
