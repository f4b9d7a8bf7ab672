import { encodeEventBatch } from '../engine/core/event-rows';
import type { HistoryEvent } from '../schemas/history';

/**
 * History events as one bookkeeping write carries them (BULK_HISTORY): the batch's JSON text
 * (`encodeEventBatch`: each event serialised once, each large payload once) as UTF-8 bytes. The
 * bytes travel as a binary payload (no JSON escaping by Temporal's converter) and the worker
 * hands the text to Postgres as it is (`insertEventRows`).
 */
export function encodeEventRows(events: readonly HistoryEvent[]): Uint8Array {
  const bytes = new TextEncoder().encode(encodeEventBatch(events));
  // In the workflow sandbox the encoder's array comes from another realm: Temporal's binary
  // converter recognises only this realm's Uint8Array (else the bytes would go out as JSON).
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** States entered per state type in a batch (`PassStateEntered` → `Pass`): the worker's transition metric. */
export function enteredStates(events: readonly HistoryEvent[]): Record<string, number> {
  const entered: Record<string, number> = {};
  for (const event of events) {
    if (event.type.endsWith('StateEntered')) {
      const type = event.type.slice(0, -'StateEntered'.length);
      entered[type] = (entered[type] ?? 0) + 1;
    }
  }
  return entered;
}
