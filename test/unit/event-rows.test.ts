import { rowMarks } from '../../activities/transitions';
import { PAYLOAD_MIN_CHARS, decodeEventBatch, encodeEventBatch, upgradeEventBatch } from '../../engine/core/event-rows';
import { eventMarks } from '../../engine/telemetry/history-metrics';
import type { HistoryEvent } from '../../schemas/history';

/** A JSON text of exactly `chars` characters, with quotes and non-ASCII inside. */
function payloadOf(chars: number, tag: string): string {
  const head = `{"tag":"${tag}","text":"✓ \\"q\\" `;
  return `${head}${'x'.repeat(chars - head.length - 2)}"}`;
}

const BIG = payloadOf(PAYLOAD_MIN_CHARS, 'big');
const OTHER = payloadOf(PAYLOAD_MIN_CHARS + 10, 'other');
const SMALL = payloadOf(PAYLOAD_MIN_CHARS - 1, 'small');

function event(id: number, type: string, member: string, details: Record<string, unknown>): HistoryEvent {
  return { id, previousEventId: id - 1, timestamp: `2026-12-05T08:00:0${id}.000Z`, type, [member]: details };
}

const EVENTS: HistoryEvent[] = [
  event(1, 'ExecutionStarted', 'executionStartedEventDetails', {
    input: BIG,
    inputDetails: { truncated: false },
    roleArn: 'arn:aws:iam::123456789012:role/r',
  }),
  event(2, 'TaskStateEntered', 'stateEnteredEventDetails', {
    name: 'Work',
    input: BIG,
    inputDetails: { truncated: false },
  }),
  event(3, 'TaskScheduled', 'taskScheduledEventDetails', {
    resourceType: 'lambda',
    resource: 'invoke',
    region: 'us-east-1',
    parameters: SMALL,
  }),
  event(4, 'TaskStateExited', 'stateExitedEventDetails', {
    name: 'Work',
    output: OTHER,
    outputDetails: { truncated: false },
  }),
  { id: 5, previousEventId: 4, timestamp: '2026-12-05T08:00:05.000Z', type: 'ParallelStateStarted' },
];

describe('event batch text (one write of history events, large payloads once)', () => {
  test('keeps each large payload once, in order of first use, and null in its place', () => {
    const batch = JSON.parse(encodeEventBatch(EVENTS)) as {
      payloads: string[];
      rows: { id: number; details: HistoryEvent; refs?: unknown }[];
    };
    expect(batch.payloads).toEqual([BIG, OTHER]);
    expect(batch.rows.map((row) => row.refs)).toEqual([
      [['executionStartedEventDetails', 'input', 0]],
      [['stateEnteredEventDetails', 'input', 0]],
      undefined,
      [['stateExitedEventDetails', 'output', 1]],
      undefined,
    ]);
    expect(batch.rows[1].details).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: '2026-12-05T08:00:02.000Z',
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'Work', input: null, inputDetails: { truncated: false } },
    });
    // A payload shorter than the threshold stays inline.
    expect((batch.rows[2].details.taskScheduledEventDetails as { parameters: string }).parameters).toBe(SMALL);
  });

  test('decodes to the events it encoded, keys in their order, and leaves the events untouched', () => {
    const before = JSON.stringify(EVENTS);
    const decoded = decodeEventBatch(encodeEventBatch(EVENTS));
    expect(JSON.stringify(decoded)).toBe(before);
    expect(JSON.stringify(EVENTS)).toBe(before);
  });

  test('reads a batch of the first format (the rows array alone) as a batch without payloads', () => {
    const rows = '[{"id":1,"previous_event_id":0,"type":"PassStateEntered","timestamp":"t","details":{"id":1}}]';
    expect(upgradeEventBatch(rows)).toBe(`{"payloads":[],"rows":${rows}}`);
    expect(decodeEventBatch(rows)).toEqual([{ id: 1 }]);
    const current = encodeEventBatch(EVENTS);
    expect(upgradeEventBatch(current)).toBe(current);
  });

  test("the metrics read every row's head past the payloads", () => {
    expect(rowMarks(encodeEventBatch(EVENTS))).toEqual(eventMarks(EVENTS));
    expect(rowMarks(encodeEventBatch([]))).toEqual([]);
  });
});
