import type { HistoryEvent } from '../../schemas/history';

/**
 * A batch of history events as one write carries them to Postgres: JSON text of
 *
 *     {"payloads": ["<payload>", …],
 *      "rows": [{"id", "previous_event_id", "type", "timestamp", "details", "refs"?}, …]}
 *
 * `details` is the event itself, except that each large payload it carries (an `input`,
 * `output` or `parameters` of PAYLOAD_MIN_CHARS or more in its `…EventDetails` member) is null
 * there and listed in the row's `refs` as `[member, field, index into payloads]`. A payload
 * that several events of the batch carry is in `payloads` once; the database keeps it once per
 * execution (see `engine/db/events-repo.ts`). Each event is serialised once, here.
 */
export type EventBatchText = string;

/** The event-details fields that carry a payload (JSON text of a state's or a Task's data). */
const PAYLOAD_FIELDS = ['input', 'output', 'parameters'] as const;

/** The shortest payload kept apart from its event (shorter ones stay inline). */
export const PAYLOAD_MIN_CHARS = 4096;

/** Whether a payload's text is kept apart (in the execution's payloads) rather than inline. */
export function keptApart(payload: unknown): payload is string {
  return typeof payload === 'string' && payload.length >= PAYLOAD_MIN_CHARS;
}

/** Where a large payload goes back: `event[member][field]`, and its index in the batch's payloads. */
type PayloadRef = [member: string, field: string, index: number];

/** The events' batch text (see EventBatchText). */
export function encodeEventBatch(events: readonly HistoryEvent[]): EventBatchText {
  const payloads: string[] = [];
  const indexOf = new Map<string, number>();
  const rows: string[] = [];
  for (const event of events) {
    let details: HistoryEvent = event;
    let refs: PayloadRef[] | undefined;
    for (const member in event) {
      if (!member.endsWith('EventDetails')) continue;
      const fields = event[member];
      if (typeof fields !== 'object' || fields === null) continue;
      for (const field of PAYLOAD_FIELDS) {
        const payload = (fields as Record<string, unknown>)[field];
        if (!keptApart(payload)) continue;
        let index = indexOf.get(payload);
        if (index === undefined) {
          index = payloads.push(payload) - 1;
          indexOf.set(payload, index);
        }
        // A copy with the payload's place kept (null), so the served event has its keys in order.
        const current = details[member] as Record<string, unknown>;
        details = { ...details, [member]: { ...current, [field]: null } };
        (refs ??= []).push([member, field, index]);
      }
    }
    rows.push(
      `{"id":${event.id},"previous_event_id":${event.previousEventId},"type":${JSON.stringify(event.type)},` +
        `"timestamp":${JSON.stringify(event.timestamp)},"details":${JSON.stringify(details)}` +
        (refs ? `,"refs":${JSON.stringify(refs)}}` : '}'),
    );
  }
  return `{"payloads":${JSON.stringify(payloads)},"rows":[${rows.join(',')}]}`;
}

/**
 * A batch text of the first format (before large payloads were kept apart): the rows' JSON array
 * alone. A write scheduled by a worker of that version may still arrive; it reads as a batch
 * without payloads.
 */
export function upgradeEventBatch(text: string): EventBatchText {
  return text.startsWith('[') ? `{"payloads":[],"rows":${text}}` : text;
}

/** The events of a batch text, each large payload back in its place. */
export function decodeEventBatch(text: EventBatchText): HistoryEvent[] {
  const batch = JSON.parse(upgradeEventBatch(text)) as {
    payloads: string[];
    rows: { details: HistoryEvent; refs?: PayloadRef[] }[];
  };
  return batch.rows.map((row) => {
    for (const [member, field, index] of row.refs ?? [])
      (row.details[member] as Record<string, unknown>)[field] = batch.payloads[index];
    return row.details;
  });
}
