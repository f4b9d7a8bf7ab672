import { choiceOf, choiceRows, dataFlow, statesVariable } from '../../ui/src/execution/inspector-data';
import { redrivePlan } from '../../ui/src/execution/redrive-plan';
import { HistoryModel } from '../../ui/src/execution/status';
import { bars } from '../../ui/src/execution/gantt-bars';
import { mapSummaries, toleranceText } from '../../ui/src/execution/map-run-data';
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
          afterInputPath: { a: 1 },
          afterParameters: { x: 1 },
          result: '3',
          afterResultPath: { a: 1, r: 3 },
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
      // A string result stays a string (the extension holds values, not JSON text).
      ['result', '3'],
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

  test('the Choice extension: the matched rule, the next state and every comparison as table rows', () => {
    const model = new HistoryModel();
    const choice = {
      matched: 1,
      next: 'Negative',
      rules: [
        {
          index: 0,
          result: false,
          comparisons: [{ variable: '$.n', operator: 'NumericGreaterThan', expected: 5, actual: -3, result: false }],
        },
        {
          index: 1,
          result: true,
          comparisons: [
            { variable: '$.n', operator: 'NumericLessThan', expected: 0, actual: -3, result: true },
            { variable: '$.s', operator: 'IsPresent', expected: false, result: true },
          ],
        },
      ],
    };
    model.add([
      ev(2, 0, 'ChoiceStateEntered', { name: 'C', input: '{"n":-3}' }),
      ev(3, 2, 'ChoiceStateExited', { name: 'C', output: '{"n":-3}', stepflow: { choice } }),
    ]);
    const record = choiceOf(model.entries[0])!;
    expect(record).toEqual({ matched: 1, next: 'Negative', rules: choice.rules });
    expect(
      choiceRows(record).map((r) => [
        r.rule,
        r.first,
        r.span,
        r.matched,
        r.test,
        r.expected,
        r.hasActual,
        r.actual,
        r.result,
      ]),
    ).toEqual([
      [0, true, 1, false, '$.n NumericGreaterThan', 5, true, -3, false],
      [1, true, 2, true, '$.n NumericLessThan', 0, true, -3, true],
      [1, false, 2, true, '$.s IsPresent', false, false, undefined, true],
    ]);
  });

  test('a JSONata Choice rule is one row: its condition and its result', () => {
    const rows = choiceRows({
      matched: 'Default',
      next: 'Other',
      rules: [{ index: 0, result: false, condition: '{% $states.input.n > 5 %}' }],
    });
    expect(rows.map((r) => [r.rule, r.test, r.hasActual, r.result, r.matched])).toEqual([
      [0, '{% $states.input.n > 5 %}', false, false, false],
    ]);
  });

  const facts = {
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e1',
    name: 'e1',
    stateMachine: 'm',
    startDate: '2026-01-01T00:00:00.000Z',
  };
  const started = ev(1, 0, 'ExecutionStarted', { input: '{"n":1}', roleArn: 'arn:aws:iam::000000000000:role/m' });

  test("a JSONata Task's $states: input, the Context object from the history, and its result", () => {
    const history = [
      started,
      ev(2, 0, 'TaskStateEntered', { name: 'T', input: '{"n":1}' }, 5),
      ev(3, 2, 'LambdaFunctionScheduled', { input: '{"x":1}' }),
      ev(4, 3, 'LambdaFunctionFailed', { error: 'E', cause: 'c' }),
      ev(5, 4, 'LambdaFunctionScheduled', { input: '{"x":1}' }),
      ev(6, 5, 'LambdaFunctionSucceeded', { output: '{"y":2}' }),
      ev(7, 6, 'TaskStateExited', {
        name: 'T',
        output: '2',
        stepflow: { inspection: { afterArguments: { x: 1 }, result: { y: 2 } } },
      }),
    ];
    const model = new HistoryModel();
    model.add(history);
    expect(statesVariable(model.entries[0], model.events, facts, false)).toEqual([
      { name: 'input', value: { n: 1 } },
      {
        name: 'context',
        value: {
          Execution: {
            Id: facts.executionArn,
            Input: { n: 1 },
            Name: 'e1',
            RoleArn: 'arn:aws:iam::000000000000:role/m',
            StartTime: facts.startDate,
            RedriveCount: 0,
          },
          StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'm' },
          State: { Name: 'T', EnteredTime: '2026-01-01T00:00:00.005Z', RetryCount: 1 },
        },
      },
      { name: 'result', value: { y: 2 } },
    ]);
  });

  test("a caught JSONata state's $states.errorOutput is its error and cause", () => {
    const model = new HistoryModel();
    model.add([
      started,
      ev(2, 0, 'TaskStateEntered', { name: 'T', input: '{}' }),
      ev(3, 2, 'LambdaFunctionScheduled', { input: '{}' }),
      ev(4, 3, 'LambdaFunctionFailed', { error: 'Boom', cause: 'why' }),
      ev(5, 4, 'TaskStateExited', { name: 'T', output: '{}' }),
    ]);
    const rows = statesVariable(
      model.entries[0],
      model.events,
      facts,
      model.entryStatus(model.entries[0]) === 'caught',
    );
    expect(rows.map((r) => r.name)).toEqual(['input', 'context', 'errorOutput']);
    expect(rows[2].value).toEqual({ Error: 'Boom', Cause: 'why' });
  });
});

describe('console Gantt', () => {
  test('a row per Parallel branch and per Map iteration, with the state runs in each', () => {
    const model = new HistoryModel();
    model.add([
      ev(1, 0, 'ExecutionStarted', { input: '{}' }, 0),
      ev(2, 0, 'ParallelStateEntered', { name: 'P', input: '{}' }, 0),
      ev(3, 2, 'ParallelStateStarted', undefined, 1),
      ev(4, 3, 'PassStateEntered', { name: 'L', input: '{}' }, 2),
      ev(5, 3, 'TaskStateEntered', { name: 'R', input: '{}' }, 2),
      ev(6, 4, 'PassStateExited', { name: 'L', output: '{}' }, 3),
      ev(7, 5, 'LambdaFunctionScheduled', { input: '{}' }, 4),
      ev(8, 7, 'LambdaFunctionSucceeded', { output: '{}' }, 40),
      ev(9, 8, 'TaskStateExited', { name: 'R', output: '{}' }, 41),
      ev(10, 9, 'ParallelStateSucceeded', undefined, 42),
      ev(11, 10, 'ParallelStateExited', { name: 'P', output: '[{},{}]' }, 42),
      ev(12, 11, 'MapStateEntered', { name: 'M', input: '[1,2]' }, 50),
      ev(13, 12, 'MapStateStarted', { length: 2 }, 50),
      ev(14, 13, 'MapIterationStarted', { index: 0, name: 'M' }, 51),
      ev(15, 14, 'TaskStateEntered', { name: 'Item', input: '1' }, 51),
      ev(16, 13, 'MapIterationStarted', { index: 1, name: 'M' }, 52),
      ev(17, 16, 'TaskStateEntered', { name: 'Item', input: '2' }, 52),
      ev(18, 15, 'LambdaFunctionScheduled', { input: '1' }, 53),
      ev(19, 17, 'LambdaFunctionScheduled', { input: '2' }, 53),
      ev(20, 18, 'LambdaFunctionSucceeded', { output: '1' }, 60),
      ev(21, 20, 'TaskStateExited', { name: 'Item', output: '1' }, 60),
      ev(22, 19, 'LambdaFunctionFailed', { error: 'Bad', cause: 'item 2' }, 70),
      ev(23, 21, 'MapIterationSucceeded', { index: 0, name: 'M' }, 61),
      ev(24, 22, 'MapIterationFailed', { index: 1, name: 'M' }, 70),
      ev(25, 22, 'MapStateFailed', undefined, 70),
      ev(26, 25, 'ExecutionFailed', { error: 'Bad', cause: 'item 2' }, 71),
    ]);
    expect(bars(model, 0).map((b) => [b.kind, b.label, b.depth, b.start, b.end, b.status])).toEqual([
      ['state', 'P', 0, 0, 42, 'succeeded'],
      ['branch', 'Branch 1', 1, 2, 3, 'succeeded'],
      ['state', 'L', 2, 2, 3, 'succeeded'],
      ['branch', 'Branch 2', 1, 2, 41, 'succeeded'],
      ['state', 'R', 2, 2, 41, 'succeeded'],
      ['state', 'M', 0, 50, 70, 'failed'],
      ['iteration', 'Iteration 0', 1, 51, 61, 'succeeded'],
      ['state', 'Item', 2, 51, 60, 'succeeded'],
      ['iteration', 'Iteration 1', 1, 52, 70, 'failed'],
      ['state', 'Item', 2, 52, 70, 'failed'],
    ]);
    // The Map fails with its iteration's error.
    expect(model.states().get('M')?.entries[0].error).toMatchObject({ error: 'Bad', cause: 'item 2' });
  });

  test('a sibling aborted by a failing branch is aborted, not failed', () => {
    const model = new HistoryModel();
    model.add([
      ev(1, 0, 'ExecutionStarted', { input: '{}' }),
      ev(2, 0, 'ParallelStateEntered', { name: 'S', input: '{}' }),
      ev(3, 2, 'ParallelStateStarted'),
      ev(4, 3, 'WaitStateEntered', { name: 'B', input: '{}' }),
      ev(5, 3, 'FailStateEntered', { name: 'B', input: '{}' }),
      ev(6, 5, 'WaitStateAborted'),
      ev(7, 5, 'ParallelStateFailed'),
      ev(8, 7, 'ExecutionFailed', { error: 'Boom', cause: '' }),
    ]);
    expect(bars(model, 0).map((b) => [b.label, b.status])).toEqual([
      ['S', 'failed'],
      ['Branch 1', 'aborted'],
      ['B', 'aborted'],
      ['Branch 2', 'failed'],
      ['B', 'failed'],
    ]);
  });
});

describe('console Map view', () => {
  test('a Distributed Map is named by its MapRunStarted events; an inline Map counts its items', () => {
    const arn = 'arn:aws:states:us-east-1:000000000000:mapRun:m/D:run-1';
    const model = new HistoryModel();
    model.add([
      ev(1, 0, 'ExecutionStarted', { input: '{}' }),
      ev(2, 0, 'MapStateEntered', { name: 'D', input: '[1,2]' }),
      ev(3, 2, 'MapStateStarted', { length: 2 }),
      ev(4, 3, 'MapRunStarted', { mapRunArn: arn }),
      ev(5, 4, 'MapRunSucceeded'),
      ev(6, 5, 'MapStateSucceeded'),
      ev(7, 6, 'MapStateExited', { name: 'D', output: '[1,2]' }),
      ...MAP_FAILED.slice(1).map((e) => ({ ...e, id: e.id + 6, previousEventId: e.previousEventId + 6 })),
    ]);
    const definitions: Record<string, Record<string, unknown>> = {
      D: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } }, ToleratedFailureCount: 1 },
      M: { Type: 'Map', ToleratedFailurePercentage: 50 },
    };
    expect(mapSummaries(model, (state) => definitions[state])).toEqual([
      {
        state: 'D',
        length: 2,
        started: 0,
        succeeded: 0,
        failed: [],
        aborted: 0,
        toleratedFailureCount: 1,
        toleratedFailurePercentage: undefined,
        distributed: true,
        mapRunArns: [arn],
      },
      {
        state: 'M',
        length: 2,
        started: 2,
        succeeded: 1,
        failed: [{ index: 1, error: 'Bad', cause: 'item 2' }],
        aborted: 0,
        toleratedFailureCount: undefined,
        toleratedFailurePercentage: 50,
        distributed: false,
        mapRunArns: [],
      },
    ]);
  });

  test("a Map Run's tolerance in words", () => {
    expect(toleranceText({ toleratedFailurePercentage: 0, toleratedFailureCount: 0 })).toBe(
      'none (the first failed item fails the run)',
    );
    expect(toleranceText({ toleratedFailurePercentage: 12.5, toleratedFailureCount: 3 })).toBe(
      'up to 12.5% of items or 3 items may fail',
    );
  });
});
