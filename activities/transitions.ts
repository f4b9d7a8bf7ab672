import type { Metrics } from '../engine/metrics';
import { eventMarks, observeHistory, type EventMark } from '../engine/telemetry/history-metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts the states entered in a batch of events and times the states and executions that ended in it. */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[], executionId = ''): void {
  if (metrics) observeHistory(metrics, executionId, eventMarks(events));
}

/**
 * A row's head as `encodeEventBatch` (engine/core/event-rows.ts) writes it. Outside a JSON string
 * a quote is never escaped and inside one it always is, so this can only match a row's start: a
 * payload (always a JSON string in event details) cannot contain it.
 */
const ROW_HEAD =
  /\{"id":-?\d+,"previous_event_id":(?:-?\d+|null),"type":"([^"\\]*)","timestamp":"([^"\\]*)","details":/g;
const NAME = '"name":"';

/**
 * The marks of a bulk batch's rows, read from its text without parsing the payloads (a batch
 * may carry megabytes of them): each row's type and timestamp from its head, and a state event's
 * name, the first `name` of its details (`{"id",…,"state…EventDetails":{"name":…}}`).
 */
export function rowMarks(rowsText: string): EventMark[] {
  const marks: EventMark[] = [];
  ROW_HEAD.lastIndex = 0;
  for (let head = ROW_HEAD.exec(rowsText); head; head = ROW_HEAD.exec(rowsText)) {
    const type = head[1] as string;
    let name = '';
    if (type.endsWith('StateEntered') || type.endsWith('StateExited')) {
      const at = rowsText.indexOf(NAME, ROW_HEAD.lastIndex);
      if (at >= 0) {
        let end = at + NAME.length;
        while (end < rowsText.length && rowsText[end] !== '"') end += rowsText[end] === '\\' ? 2 : 1;
        name = JSON.parse(rowsText.slice(at + NAME.length - 1, end + 1)) as string;
      }
    }
    marks.push({ type, timestamp: head[2] as string, name });
  }
  return marks;
}

/** Feeds the metrics from a bulk batch's row text (see `workflows/history-rows.ts`). */
export function countRows(
  metrics: Metrics | undefined,
  rowsText: string,
  executionId: string,
  startedAt?: number,
): void {
  if (metrics) observeHistory(metrics, executionId, rowMarks(rowsText), startedAt);
}
