import { rowMarks } from '../../activities/transitions';
import { HistoryRecorder } from '../../engine/core/interpreter/history';
import { eventMarks } from '../../engine/telemetry/history-metrics';
import { encodeEventRows } from '../../workflows/history-rows';

/** A payload that looks like row heads and names from the inside. */
const TRICKY = {
  text: '{"id":1,"previous_event_id":0,"type":"PassStateEntered","timestamp":"x","details":{"name":"fake"}}',
  quote: 'a "quoted" \\ back\\slash',
  nested: { id: 7, previous_event_id: 6, type: 'FailStateEntered', name: 'inner' },
  unicode: 'naïve – ✓',
};

function history() {
  let now = Date.parse('2026-12-05T01:00:00.000Z');
  const recorder = new HistoryRecorder(() => (now += 7));
  const started = recorder.emit(0, {
    type: 'ExecutionStarted',
    executionStartedEventDetails: {
      input: JSON.stringify(TRICKY),
      inputDetails: { truncated: false },
      roleArn: 'arn:aws:iam::0:role/r',
    },
  });
  const entered = recorder.emit(started, {
    type: 'PassStateEntered',
    stateEnteredEventDetails: {
      name: 'Say "hi" \\ ✓',
      input: JSON.stringify(TRICKY),
      inputDetails: { truncated: false },
    },
  });
  const exited = recorder.emit(entered, {
    type: 'PassStateExited',
    stateExitedEventDetails: {
      name: 'Say "hi" \\ ✓',
      output: JSON.stringify([TRICKY, TRICKY]),
      outputDetails: { truncated: false },
    },
  });
  const task = recorder.emit(exited, {
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name: 'Call', input: '{}', inputDetails: { truncated: false } },
  });
  recorder.emit(task, {
    type: 'ExecutionSucceeded',
    executionSucceededEventDetails: { output: '"done"', outputDetails: { truncated: false } },
  });
  return recorder.takePending();
}

describe('rowMarks (the metrics of a bulk history write, read without parsing payloads)', () => {
  test('reads every row type, timestamp and state name exactly as the events hold them', () => {
    const events = history();
    const text = new TextDecoder().decode(encodeEventRows(events));
    expect(rowMarks(text)).toEqual(eventMarks(events));
    expect(rowMarks(text)).toEqual([
      { type: 'ExecutionStarted', timestamp: '2026-12-05T01:00:00.007Z', name: '' },
      { type: 'PassStateEntered', timestamp: '2026-12-05T01:00:00.014Z', name: 'Say "hi" \\ ✓' },
      { type: 'PassStateExited', timestamp: '2026-12-05T01:00:00.021Z', name: 'Say "hi" \\ ✓' },
      { type: 'TaskStateEntered', timestamp: '2026-12-05T01:00:00.028Z', name: 'Call' },
      { type: 'ExecutionSucceeded', timestamp: '2026-12-05T01:00:00.035Z', name: '' },
    ]);
  });

  test('an empty batch has no marks', () => {
    expect(rowMarks('[]')).toEqual([]);
  });
});
