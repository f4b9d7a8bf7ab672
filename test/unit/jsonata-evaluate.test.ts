import { StatesError } from '../../engine/core/errors';
import {
  evaluateExpression,
  evaluateTemplate,
  evaluateTyped,
  javaSeededNextDouble,
  type QueryEvaluationFailure,
  type JsonataScope,
} from '../../engine/core/jsonata';

const NOW = Date.UTC(2026, 0, 1);
function scope(overrides: Partial<JsonataScope> = {}): JsonataScope {
  let n = 0;
  return {
    states: { input: { a: [1, 2, 3], s: 'x' }, context: { State: { Name: 'S' } } },
    variables: { v: 5 },
    host: { now: () => NOW, random: () => (n++ % 10) / 10 },
    ...overrides,
  };
}

async function failure(run: () => Promise<unknown>): Promise<QueryEvaluationFailure> {
  try {
    await run();
  } catch (err) {
    return err as QueryEvaluationFailure;
  }
  throw new Error('expected a failure');
}

describe('evaluateExpression', () => {
  test('reads $states and variables when an expression combines them', async () => {
    expect(await evaluateExpression('$sum($states.input.a) + $v', scope(), 'Output')).toBe(11);
  });

  test('returns plain arrays when JSONata yields a sequence', async () => {
    const value = await evaluateExpression('$states.input.a[$ > 1]', scope(), 'Output');
    expect(value).toEqual([2, 3]);
    expect(Object.keys(value as object)).toEqual(['0', '1']);
  });

  test('reads the host clock when $now and $millis are called', async () => {
    expect(await evaluateExpression('[$now(), $millis()]', scope(), 'Output')).toEqual([
      '2026-01-01T00:00:00.000Z',
      NOW,
    ]);
  });

  test('draws from the host random source when $random has no seed', async () => {
    expect(await evaluateExpression('[$random(), $random()]', scope(), 'Output')).toEqual([0, 0.1]);
  });

  test('fails with T1006 and the field when $eval is called', async () => {
    const err = await failure(() => evaluateExpression('$eval("1")', scope(), 'Output/x'));
    expect(err).toBeInstanceOf(StatesError);
    expect([err.error, err.location, err.cause]).toEqual([
      'States.QueryEvaluationError',
      'Output/x',
      "The JSONata expression '$eval(\"1\")' specified for the field 'Output/x' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    ]);
  });

  test('fails with AWS cause when an expression returns nothing', async () => {
    const err = await failure(() => evaluateExpression('$nope', scope(), 'Output'));
    expect(err.cause).toBe(
      "The JSONata expression '$nope' specified for the field 'Output' returned nothing (undefined).",
    );
  });

  test('stops after the step budget when an expression loops forever', async () => {
    const err = await failure(() =>
      evaluateExpression('($f := function($n){ $f($n) }; $f(1))', scope({ limits: { maxSteps: 500 } }), 'Output'),
    );
    expect(err.cause).toBe(
      "The JSONata expression '($f := function($n){ $f($n) }; $f(1))' specified for the field 'Output' threw an error during evaluation. The expression exceeded Stepflow's limit of 500 evaluation steps",
    );
  });

  test('counts the same steps when the same expression runs twice', async () => {
    const run = () =>
      evaluateExpression(
        '$sum($map([1..50], function($x) { $x * 2 }))',
        scope({ limits: { maxSteps: 400 } }),
        'Output',
      );
    const first = await run().then(String, (err: Error) => err.message);
    expect(await run().then(String, (err: Error) => err.message)).toBe(first);
  });

  test('rejects the 2.1 coalescing operator when an expression uses it', async () => {
    const err = await failure(() => evaluateExpression('$x ?? 1', scope(), 'Output'));
    expect(err.cause).toBe(
      "The JSONata expression '$x ?? 1' specified for the field 'Output' could not be parsed. S0211: The symbol ?? is not supported by the JSONata version Step Functions runs",
    );
  });
});

describe('evaluateTemplate', () => {
  test('evaluates nested expressions and keeps literals when a template mixes them', async () => {
    expect(await evaluateTemplate({ a: '{% $v %}', b: ['{% 1 + 1 %}', 'lit $v'], c: null }, scope(), 'Output')).toEqual(
      {
        a: 5,
        b: [2, 'lit $v'],
        c: null,
      },
    );
  });

  test('names the nested field when a nested expression fails', async () => {
    const err = await failure(() => evaluateTemplate({ a: [0, '{% $nope %}'] }, scope(), 'Arguments'));
    expect(err.location).toBe('Arguments/a/1');
  });
});

describe('evaluateTyped', () => {
  test('fails with AWS cause when Items returns a number', async () => {
    const err = await failure(() => evaluateTyped('{% 1 %}', scope(), 'Items', 'array'));
    expect(err.cause).toBe(
      "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1",
    );
  });
});

describe('javaSeededNextDouble', () => {
  test('matches java.util.Random when seeded with 1 and 42', () => {
    expect([javaSeededNextDouble(1), javaSeededNextDouble(42)]).toEqual([0.7308781907032909, 0.7275636800328681]);
  });
});
