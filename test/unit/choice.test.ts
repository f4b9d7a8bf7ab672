import {
  evaluateChoiceRule,
  NO_CHOICE_MATCHED_CAUSE,
  parseTimestamp,
  selectChoice,
  stringMatches,
  type ChoiceRule,
} from '../../engine/core/choice';
import { StatesError } from '../../engine/core/errors';

const CONTEXT = { Execution: { Name: 'run-1' } };
const TS = '2012-10-09T19:00:55Z';
const TS_LATER = '2012-10-09T19:00:56Z';

/** Evaluates `{ Variable: '$.Variable', [operator]: operand }` against `{ Variable: variable, Value: value }`. */
function check(operator: string, operand: unknown, variable: unknown, value?: unknown): boolean {
  return evaluateChoiceRule(
    { Variable: '$.Variable', [operator]: operand, Next: 'X' },
    { Variable: variable, Value: value },
    CONTEXT,
  );
}

function failure(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatesError);
    return [(err as StatesError).error, (err as StatesError).cause];
  }
  throw new Error('expected a throw');
}

const SAMPLES: unknown[] = [
  null,
  0,
  1,
  1.1,
  '',
  ' ',
  'HelloWorld',
  '2012-10-09T19:00:55',
  TS,
  '2012-10-09T19:00:55+01:00',
  '2023-02-24',
  [],
  [''],
  {},
  { A: 0 },
  true,
  false,
];

describe('evaluateChoiceRule type tests', () => {
  test.each([
    [
      'IsNull',
      [
        true,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ],
    ],
    [
      'IsNumeric',
      [
        false,
        true,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ],
    ],
    [
      'IsString',
      [false, false, false, false, true, true, true, true, true, true, true, false, false, false, false, false, false],
    ],
    [
      'IsBoolean',
      [
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        true,
        true,
      ],
    ],
    [
      'IsTimestamp',
      [
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ],
    ],
  ])('%s is true only for matching types when compared with true', (operator, expected) => {
    expect(SAMPLES.map((v) => check(operator, true, v))).toEqual(expected);
    expect(SAMPLES.map((v) => check(operator, false, v))).toEqual(expected.map((b) => !b));
  });
  test('IsPresent is true when the field exists, even with a null value', () => {
    expect(SAMPLES.map((v) => check('IsPresent', true, v))).toEqual(SAMPLES.map(() => true));
    expect(check('IsPresent', false, null)).toBe(false);
  });
  test('IsPresent reports absence instead of failing when the path is missing', () => {
    const rule = { Variable: '$.nope.deeper', IsPresent: false, Next: 'X' };
    expect(evaluateChoiceRule(rule, {}, CONTEXT)).toBe(true);
    expect(evaluateChoiceRule({ ...rule, IsPresent: true }, {}, CONTEXT)).toBe(false);
  });
});

describe('evaluateChoiceRule comparisons', () => {
  test('BooleanEquals matches only booleans when values differ in type', () => {
    expect(SAMPLES.map((v) => check('BooleanEquals', true, v))).toEqual(SAMPLES.map((v) => v === true));
    expect(SAMPLES.map((v) => check('BooleanEqualsPath', '$.Value', v, false))).toEqual(
      SAMPLES.map((v) => v === false),
    );
  });
  test('Numeric operators compare numbers and are false for other types', () => {
    expect(SAMPLES.map((v) => check('NumericEquals', 1, v))).toEqual(SAMPLES.map((v) => v === 1));
    expect([
      check('NumericLessThan', 1, 0),
      check('NumericLessThan', 0, 0),
      check('NumericGreaterThan', 0, 1),
      check('NumericGreaterThan', 1, 1),
    ]).toEqual([true, false, true, false]);
    expect([
      check('NumericLessThanEquals', 1, 1),
      check('NumericGreaterThanEquals', 1, 0),
      check('NumericGreaterThanEquals', 0, 1),
    ]).toEqual([true, false, true]);
    expect([
      check('NumericEqualsPath', '$.Value', 2.22, 2.22),
      check('NumericGreaterThanPath', '$.Value', 1, 0),
      check('NumericLessThanEqualsPath', '$.Value', 1, 0),
    ]).toEqual([true, true, false]);
    expect([
      check('NumericEquals', 1, '1'),
      check('NumericEqualsPath', '$.Value', 1, '1'),
      check('NumericLessThan', 5, null),
    ]).toEqual([false, false, false]);
  });
  test('String operators compare by UTF-16 code units and are false for other types', () => {
    expect(SAMPLES.map((v) => check('StringEquals', 'HelloWorld', v))).toEqual(SAMPLES.map((v) => v === 'HelloWorld'));
    expect([
      check('StringEquals', '\t\r\n', '\t\n'),
      check('StringEqualsPath', '$.Value', 'Hello', 'Hello'),
      check('StringEqualsPath', '$.Value', ' ', '     '),
    ]).toEqual([false, true, false]);
    expect([
      check('StringLessThan', 'AB', 'A'),
      check('StringLessThanPath', '$.Value', 'AB', 'A'),
      check('StringGreaterThan', 'a', 'B'),
      check('StringGreaterThanPath', '$.Value', 'A', 'A\t\n\r'),
    ]).toEqual([true, false, false, false]);
    expect([
      check('StringLessThanEquals', '', ''),
      check('StringGreaterThanEquals', 'AB', 'A'),
      check('StringLessThanEqualsPath', '$.Value', 'A', 'AB'),
    ]).toEqual([true, false, true]);
    expect(check('StringEquals', '1', 1)).toBe(false);
  });
  test('StringEquals matches a timestamp string when it is compared as text', () => {
    expect(check('StringEquals', TS, TS)).toBe(true);
  });
  test('Timestamp operators compare instants and are false for non-timestamps', () => {
    expect([
      check('TimestampEquals', TS, TS),
      check('TimestampEquals', TS_LATER, TS),
      check('TimestampEquals', '2012-10-09T20:00:55+01:00', TS),
    ]).toEqual([true, false, true]);
    expect([
      check('TimestampLessThan', TS_LATER, TS),
      check('TimestampGreaterThan', TS, TS),
      check('TimestampGreaterThan', TS, TS_LATER),
    ]).toEqual([true, false, true]);
    expect([
      check('TimestampLessThanEquals', TS, TS),
      check('TimestampGreaterThanEquals', TS_LATER, TS),
      check('TimestampEquals', '2012-10-09T19:00:55.000000001Z', TS),
    ]).toEqual([true, false, false]);
    expect([
      check('TimestampEqualsPath', '$.Value', TS, TS_LATER),
      check('TimestampLessThanPath', '$.Value', TS, TS_LATER),
      check('TimestampGreaterThanEqualsPath', '$.Value', TS, TS),
    ]).toEqual([false, true, true]);
    expect(
      [null, 0, 1, ' ', '2023-02-24 12:15:56.832957', { A: 0 }, true].map((v) => check('TimestampEquals', TS, v)),
    ).toEqual([false, false, false, false, false, false, false]);
  });
  test('StringMatches treats * as a wildcard and honours escapes', () => {
    expect([
      check('StringMatches', 'log-*.txt', 'log-2024-01.txt'),
      check('StringMatches', 'log-*.txt', 'log.txt'),
      check('StringMatches', '*', ''),
      check('StringMatches', 'a*', 5),
    ]).toEqual([true, false, true, false]);
  });
});

describe('evaluateChoiceRule combinators', () => {
  const input = { type: 'Public', value: 22, list: [1] };
  test('And, Or and Not combine nested rules', () => {
    const rule: ChoiceRule = {
      And: [
        { Variable: '$.type', StringEquals: 'Public' },
        {
          Or: [{ Variable: '$.value', NumericLessThan: 10 }, { Not: { Variable: '$.value', NumericGreaterThan: 30 } }],
        },
      ],
      Next: 'X',
    };
    expect(evaluateChoiceRule(rule, input, CONTEXT)).toBe(true);
    expect(evaluateChoiceRule(rule, { ...input, value: 31 }, CONTEXT)).toBe(false);
  });
  test('guards a missing field when IsPresent comes first in And', () => {
    const rule = {
      And: [
        { Variable: '$.missing', IsPresent: true },
        { Variable: '$.missing', NumericEquals: 1 },
      ],
      Next: 'X',
    };
    expect(evaluateChoiceRule(rule, input, CONTEXT)).toBe(false);
  });
  test('reads the context object when Variable starts with $$', () => {
    expect(evaluateChoiceRule({ Variable: '$$.Execution.Name', StringEquals: 'run-1' }, {}, CONTEXT)).toBe(true);
  });
  test('reads workflow variables when Variable starts with $name', () => {
    expect(evaluateChoiceRule({ Variable: '$limit', NumericGreaterThan: 2 }, {}, CONTEXT, { limit: 3 })).toBe(true);
  });
});

describe('evaluateChoiceRule errors', () => {
  test('fails with States.Runtime when Variable is missing', () => {
    expect(failure(() => evaluateChoiceRule({ Variable: '$.x', StringEquals: 'a' }, {}, CONTEXT))).toEqual([
      'States.Runtime',
      "Invalid path '$.x' : No results for path: $['x']",
    ]);
    expect(failure(() => evaluateChoiceRule({ Variable: '$.x', IsNull: true }, {}, CONTEXT))[0]).toBe('States.Runtime');
  });
  test('fails with States.Runtime when the ...Path operand is missing', () => {
    expect(failure(() => evaluateChoiceRule({ Variable: '$.a', NumericEqualsPath: '$.b' }, { a: 1 }, CONTEXT))).toEqual(
      ['States.Runtime', "Invalid path '$.b' : No results for path: $['b']"],
    );
  });
});

describe('selectChoice', () => {
  const state = {
    Choices: [
      { Variable: '$.n', NumericLessThan: 0, Next: 'Negative' },
      { Variable: '$.n', NumericLessThan: 10, Next: 'Small' },
      { Variable: '$.n', NumericLessThan: 100, Next: 'Medium' },
    ],
    Default: 'Large',
  };
  test('returns the Next of the first matching rule when several match', () => {
    expect([
      selectChoice(state, { n: -1 }, CONTEXT),
      selectChoice(state, { n: 5 }, CONTEXT),
      selectChoice(state, { n: 50 }, CONTEXT),
    ]).toEqual(['Negative', 'Small', 'Medium']);
  });
  test('returns Default when no rule matches', () => {
    expect(selectChoice(state, { n: 500 }, CONTEXT)).toBe('Large');
  });
  test('fails with States.NoChoiceMatched when no rule matches and there is no Default', () => {
    expect(failure(() => selectChoice({ Choices: state.Choices }, { n: 500 }, CONTEXT))).toEqual([
      'States.NoChoiceMatched',
      NO_CHOICE_MATCHED_CAUSE,
    ]);
  });
});

describe('parseTimestamp', () => {
  test('returns epoch seconds and nanoseconds when the text is RFC 3339', () => {
    expect([
      parseTimestamp(TS),
      parseTimestamp('2012-10-09T19:00:55+01:00'),
      parseTimestamp('1970-01-01T00:00:01.5Z'),
      parseTimestamp('2000-02-29T00:00:00.123456789-00:30'),
    ]).toEqual([
      [1349809255, 0],
      [1349805655, 0],
      [1, 500000000],
      [951784200, 123456789],
    ]);
  });
  test.each([
    '2016-12-05 21:29:29Z',
    '2016-12-05T21:29:29',
    '2016-13-05T21:29:29Z',
    '2019-02-29T00:00:00Z',
    '2016-12-05t21:29:29z',
    '2016-12-05T24:00:00Z',
    '2016-12-05T21:29:29.1234567891Z',
    'x',
  ])('rejects %s when it is not a valid ASL timestamp', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('stringMatches', () => {
  test.each([
    ['log-*.txt', 'log-2024.txt', true],
    ['*.log', 'app.log', true],
    ['*.log', 'app.log.1', false],
    ['a*b*c', 'aXXbYYc', true],
    [String.raw`star\*`, 'star*', true],
    [String.raw`star\*`, 'starX', false],
    [String.raw`back\\slash*`, String.raw`back\slash!`, true],
    ['a.b', 'aXb', false],
    ['multi*', 'multi\nline', true],
    ['(x)[y]?', '(x)[y]?', true],
  ])('pattern %j against %j is %s', (pattern, value, expected) => {
    expect(stringMatches(value, pattern)).toBe(expected);
  });
});
