import { HistoryRecorder } from '../../engine/core/interpreter/history';
import type { EventBody } from '../../schemas/history';

const AT = Date.parse('2026-12-05T01:00:00.000Z');
const recorder = () => new HistoryRecorder(() => AT);

describe('HistoryRecorder', () => {
  test('puts id, link and time before the type and its details when a body is a type and its details', () => {
    const history = recorder();
    history.emit(0, {
      type: 'PassStateEntered',
      stateEnteredEventDetails: { name: 'A', input: '{}', inputDetails: { truncated: false } },
    });
    history.emit(1, { type: 'ParallelStateStarted' });
    const [entered, started] = history.takePending();
    expect(Object.keys(entered)).toEqual(['id', 'previousEventId', 'timestamp', 'type', 'stateEnteredEventDetails']);
    expect(entered).toEqual({
      id: 1,
      previousEventId: 0,
      timestamp: '2026-12-05T01:00:00.000Z',
      type: 'PassStateEntered',
      stateEnteredEventDetails: { name: 'A', input: '{}', inputDetails: { truncated: false } },
    });
    expect(Object.keys(started)).toEqual(['id', 'previousEventId', 'timestamp', 'type']);
    expect(started).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: '2026-12-05T01:00:00.000Z',
      type: 'ParallelStateStarted',
    });
  });

  test('keeps the members of any other body in their order when the type is not first or there are more', () => {
    const history = recorder();
    history.emit(0, { mapStateStartedEventDetails: { length: 2 }, type: 'MapStateStarted' } as EventBody);
    history.emit(1, { type: 'MapStateStarted', mapStateStartedEventDetails: { length: 3 }, extra: true } as EventBody);
    const [reordered, extra] = history.takePending();
    expect(Object.keys(reordered)).toEqual([
      'id',
      'previousEventId',
      'timestamp',
      'mapStateStartedEventDetails',
      'type',
    ]);
    expect(Object.keys(extra)).toEqual([
      'id',
      'previousEventId',
      'timestamp',
      'type',
      'mapStateStartedEventDetails',
      'extra',
    ]);
    expect(extra).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: '2026-12-05T01:00:00.000Z',
      type: 'MapStateStarted',
      mapStateStartedEventDetails: { length: 3 },
      extra: true,
    });
  });

  test('keeps a details member named __proto__ as data when a body has one', () => {
    const history = recorder();
    const body = JSON.parse('{"type":"MapRunSucceeded","__proto__":{"polluted":true}}') as EventBody;
    history.emit(0, body);
    const [event] = history.takePending();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.keys(event)).toEqual(['id', 'previousEventId', 'timestamp', 'type', '__proto__']);
    expect(JSON.stringify(event)).toBe(
      '{"id":1,"previousEventId":0,"timestamp":"2026-12-05T01:00:00.000Z","type":"MapRunSucceeded","__proto__":{"polluted":true}}',
    );
  });
});
