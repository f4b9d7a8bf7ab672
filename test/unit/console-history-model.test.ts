import { dataFlow, choiceOf } from '../../ui/src/execution/inspector-data';
import { redrivePlan } from '../../ui/src/execution/redrive-plan';
import { HistoryModel } from '../../ui/src/execution/status';
import type { HistoryEvent } from '../../ui/src/history-event';

/** A history event at `ms` after the start. */
function ev(
  id: number,
  previousEventId: number,
  type: string,
  details?: Record<string, unknown>,
  ms = id,
): HistoryEvent {
  const key = /StateEntered$/.test(type)
    ? 'stateEnteredEventDetails'
    : /StateExited$/.test(type)
      ? 'stateExitedEventDetails'
      : `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
  return {
    id,
    previousEventId,
    timestamp: new Date(Date.UTC(2026, 0, 1) + ms).toISOString(),
    type,
    ...(details ? { [key]: details } : {}),
  };
}

/** Task T retried once then caught → Done; Map M with two iterations, the second failing. */
const CAUGHT = [
  ev(1, 0, 'ExecutionStarted', { input: '{}' }),
  ev(2, 0, 'TaskStateEntered', { name: 'T', input: '{"a":1}' }),
  ev(3, 2, 'LambdaFunctionScheduled', { input: '{"a":1}' }),
  ev(4, 3, 'LambdaFunctionStarted'),
  ev(5, 4, 'LambdaFunctionFailed', { error: 'Other', cause: 'boom' }),
  ev(6, 5, 'LambdaFunctionScheduled', { input: '{"a":1}' }),
  ev(7, 6, 'LambdaFunctionStarted'),
  ev(8, 7, 'LambdaFunctionFailed', { error: 'Other', cause: 'boom again' }),
  ev(9, 8, 'TaskStateExited', { name: 'T', output: '{"err":"Other"}' }),
  ev(10, 9, 'SucceedStateEntered', { name: 'Done', input: '{}' }),
  ev(11, 10, 'SucceedStateExited', { name: 'Done', output: '{}' }),
  ev(12, 11, 'ExecutionSucceeded', { output: '{}' }),
];

const MAP_FAILED = [
  ev(1, 0, 'ExecutionStarted', { input: '[1,2]' }),
  ev(2, 0, 'MapStateEntered', { name: 'M', input: '[1,2]' }),
  ev(3, 2, 'MapStateStarted', { length: 2 }),
  ev(4, 3, 'MapIterationStarted', { index: 0, name: 'M' }),
  ev(5, 4, 'TaskStateEntered', { name: 'Item', input: '1' }),
  ev(6, 3, 'MapIterationStarted', { index: 1, name: 'M' }),
  ev(7, 6, 'TaskStateEntered', { name: 'Item', input: '2' }),
  ev(8, 5, 'LambdaFunctionScheduled', { input: '1' }),
  ev(9, 7, 'LambdaFunctionScheduled', { input: '2' }),
  ev(10, 8, 'LambdaFunctionSucceeded', { output: '10' }),
  ev(11, 10, 'TaskStateExited', { name: 'Item', output: '10' }),
  ev(12, 9, 'LambdaFunctionFailed', { error: 'Bad', cause: 'item 2' }),
  ev(13, 11, 'MapIterationSucceeded', { index: 0, name: 'M' }),
  ev(14, 12, 'MapIterationFailed', { index: 1, name: 'M' }),
  ev(15, 14, 'MapStateFailed'),
  ev(16, 15, 'ExecutionFailed', { error: 'Bad', cause: 'item 2' }),
];

describe('console history model', () => {
  test('a Task retried then caught is caught, retried once, and its error is the last one', () => {
    const model = new HistoryModel();
    model.add(CAUGHT);
    const states = model.states();
    expect(states.get('T')?.status).toBe('caught');
    expect(states.get('T')?.retries).toBe(1);
    expect(states.get('T')?.entries[0].error).toEqual({ error: 'Other', cause: 'boom again', event: CAUGHT[7] });
    expect(states.get('Done')?.status).toBe('succeeded');
    expect([...model.taken()]).toEqual(['T→Done', 'T#join→Done']);
  });

  test('events arriving out of order or twice give the same model as in order', () => {
    const inOrder = new HistoryModel();
    inOrder.add(CAUGHT);
    const shuffled = new HistoryModel();
    shuffled.add(CAUGHT.slice(6));
    shuffled.add(CAUGHT.slice(0, 8));
    expect(shuffled.events.map((e) => e.id)).toEqual(CAUGHT.map((e) => e.id));
    expect([...shuffled.states()].map(([name, v]) => [name, v.status, v.retries])).toEqual(
      [...inOrder.states()].map(([name, v]) => [name, v.status, v.retries]),
    );
  });

  test('a state still open while the execution runs is running; after the close it failed', () => {
    const model = new HistoryModel();
    model.add(MAP_FAILED.slice(0, 11));
    expect(model.states().get('Item')?.status).toBe('running');
    expect(model.states().get('M')?.status).toBe('running');
    model.add(MAP_FAILED.slice(11));
    const states = model.states();
    expect(states.get('Item')?.status).toBe('failed');
    expect(states.get('Item')?.entries.map((e) => [e.iteration, model.entryStatus(e)])).toEqual([
      [0, 'succeeded'],
      [1, 'failed'],
    ]);
    expect(states.get('M')?.status).toBe('failed');
  });

  test('a redrive plan re-runs the failed Map and its failed iteration only', () => {
    const model = new HistoryModel();
    model.add(MAP_FAILED);
    const plan = redrivePlan(model);
    expect(plan.rerun).toEqual(['M', 'Item']);
    expect([...plan.iterations]).toEqual([['M', [1]]]);
    expect(plan.reused).toEqual([]);
  });

  test('durations are measured from the event each one follows', () => {
    const model = new HistoryModel();
    model.add(CAUGHT);
    expect(model.durationMs(CAUGHT[4])).toBe(1);
    expect(model.offsetMs(CAUGHT[11])).toBe(11);
  });
});

describe('console inspector data', () => {
  const entered = ev(2, 0, 'TaskStateEntered', { name: 'T', input: '{"a":1,"b":2}' });

  test('the stages of the inspection extension, an omitted stage shown unchanged', () => {
    const exited = ev(5, 4, 'TaskStateExited', {
      name: 'T',
      output: '{"a":1,"r":3}',
      stepflow: {
        inspection: {
          input: '{"a":1,"b":2}',
          afterInputPath: '{"a":1}',
          afterParameters: '{"x":1}',
          result: '3',
          afterResultPath: '{"a":1,"r":3}',
        },
      },
    });
    const model = new HistoryModel();
    model.add([entered, exited]);
    const rows = dataFlow(model.entries[0]).map((r) => [r.key, r.unchanged ? 'unchanged' : r.value]);
    expect(rows).toEqual([
      ['input', { a: 1, b: 2 }],
      ['afterInputPath', { a: 1 }],
      ['afterParameters', { x: 1 }],
      ['result', 3],
      ['afterResultSelector', 'unchanged'],
      ['afterResultPath', { a: 1, r: 3 }],
      ['output', { a: 1, r: 3 }],
    ]);
  });

  test('without the extension: the input, what the resource was sent, and no output for a failed run', () => {
    const model = new HistoryModel();
    model.add([entered, ev(3, 2, 'LambdaFunctionScheduled', { input: '{"x":1}' })]);
    expect(dataFlow(model.entries[0]).map((r) => [r.key, r.label, r.value])).toEqual([
      ['input', 'Input', { a: 1, b: 2 }],
      ['afterParameters', 'Sent to the resource', { x: 1 }],
    ]);
  });

  test('the Choice extension: the matched rule, the next state and the values compared', () => {
    const model = new HistoryModel();
    model.add([
      ev(2, 0, 'ChoiceStateEntered', { name: 'C', input: '{"n":-3}' }),
      ev(3, 2, 'ChoiceStateExited', {
        name: 'C',
        output: '{"n":-3}',
        stepflow: { choice: { matched: 1, next: 'Negative', compared: [{ variable: '$.n', value: -3 }] } },
      }),
    ]);
    expect(choiceOf(model.entries[0])).toEqual({
      matched: 1,
      next: 'Negative',
      rest: { compared: [{ variable: '$.n', value: -3 }] },
    });
  });
});
