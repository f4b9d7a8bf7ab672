import { type StatesError } from '../../engine/core/errors';
import {
  evaluateIntrinsic,
  jsonTextDepth,
  MAX_INTRINSIC_STRING_CHARS,
  MAX_JSON_DEPTH,
} from '../../engine/core/intrinsics';
import {
  DEFAULT_JSONATA_LIMITS,
  evaluateExpression,
  QueryEvaluationFailure,
  type JsonataScope,
} from '../../engine/core/jsonata';
import { LinearRegExp, MAX_REGEX_INPUT_LENGTH } from '../../engine/core/jsonata/regex';

const CONTEXT = { Execution: { Id: 'arn' } };
const ENV = { random: () => 0.5 };

function scope(input: unknown): JsonataScope {
  return { states: { input, context: {} }, variables: {}, host: { now: () => 0, random: () => 0.5 } };
}

async function evaluationFailure(text: string, input: unknown): Promise<QueryEvaluationFailure> {
  try {
    await evaluateExpression(text, scope(input), 'Output');
  } catch (err) {
    return err as QueryEvaluationFailure;
  }
  throw new Error('expected a failure');
}

function intrinsicFailure(expr: string, input: unknown): StatesError {
  try {
    evaluateIntrinsic(expr, input, CONTEXT, ENV);
  } catch (err) {
    return err as StatesError;
  }
  throw new Error('expected a failure');
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSONata regular expressions', () => {
  test('a catastrophic-backtracking pattern matches in linear time when the input is hostile', async () => {
    // With RegExp, /(a+)+$/ on 40 a's and a "!" backtracks ~2^40 times (hours); RE2 answers at once.
    const input = { s: `${'a'.repeat(40)}!`, t: `${'a'.repeat(40)}` };
    const text = '[$count($match($states.input.s, /(a+)+$/)), $match($states.input.t, /(a+)+$/).match]';
    expect(await evaluateExpression(text, scope(input), 'Output')).toEqual([0, 'a'.repeat(40)]);
  });

  test('$match returns the match, its index and its groups when the pattern matches', async () => {
    const value = await evaluateExpression('$match("ab12cd345", /([a-z]+)(\\d+)/)', scope({}), 'Output');
    expect(value).toEqual([
      { match: 'ab12', index: 0, groups: ['ab', '12'] },
      { match: 'cd345', index: 4, groups: ['cd', '345'] },
    ]);
  });

  test('$replace, $split and $contains use the same engine when given a pattern', async () => {
    expect(await evaluateExpression('$replace("a1b22c", /\\d+/, "#")', scope({}), 'Output')).toBe('a#b#c');
    expect(await evaluateExpression('$split("a1b22c", /\\d+/)', scope({}), 'Output')).toEqual(['a', 'b', 'c']);
    expect(await evaluateExpression('$contains("Hello", /hel/i)', scope({}), 'Output')).toBe(true);
  });

  test('a pattern RE2 cannot run in linear time fails with States.QueryEvaluationError when it has a backreference', async () => {
    const failure = await evaluationFailure('$match("aa", /(a)\\1/)', {});
    expect(failure).toBeInstanceOf(QueryEvaluationFailure);
    expect(failure.error).toBe('States.QueryEvaluationError');
    expect(failure.cause).toContain('is not supported: Stepflow matches in linear time');
  });

  test('a subject longer than MAX_REGEX_INPUT_LENGTH is refused before matching', () => {
    const regex = new LinearRegExp(/a/g);
    expect(() => regex.exec('b'.repeat(MAX_REGEX_INPUT_LENGTH + 1))).toThrow(
      `A regular expression was applied to a string longer than Stepflow's limit of ${MAX_REGEX_INPUT_LENGTH} characters`,
    );
    expect(regex.exec(`${'b'.repeat(MAX_REGEX_INPUT_LENGTH - 1)}a`)?.index).toBe(MAX_REGEX_INPUT_LENGTH - 1);
  });
});

describe('JSONata sequences', () => {
  test('a range of exactly maxArrayLength numbers is built', async () => {
    const value = (await evaluateExpression(
      `[1..${DEFAULT_JSONATA_LIMITS.maxArrayLength}]`,
      scope({}),
      'Output',
    )) as number[];
    expect(value.length).toBe(200_000);
    expect(value[199_999]).toBe(200_000);
  });

  test('a range one longer than maxArrayLength fails before it is allocated', async () => {
    const failure = await evaluationFailure('[1..200001]', {});
    expect(failure.cause).toBe(
      "The JSONata expression '[1..200001]' specified for the field 'Output' threw an error during evaluation. The expression built an array longer than Stepflow's limit of 200000 items",
    );
  });

  test('a range of ten million fails the same way when JSONata itself would allow it', async () => {
    const failure = await evaluationFailure('$count([1..10000000])', {});
    expect(failure.cause).toContain("The expression built an array longer than Stepflow's limit of 200000 items");
  });
});

describe('JSON depth', () => {
  test('jsonTextDepth counts nesting outside strings when brackets appear in strings', () => {
    expect(jsonTextDepth('1')).toBe(0);
    expect(jsonTextDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
    expect(jsonTextDepth('"\\"[["')).toBe(0);
    expect(jsonTextDepth(nested(10_000))).toBe(MAX_JSON_DEPTH + 1);
  });

  test('States.StringToJson parses MAX_JSON_DEPTH levels', () => {
    expect(JSON.stringify(evaluateIntrinsic('States.StringToJson($.s)', { s: nested(256) }, CONTEXT, ENV))).toBe(
      nested(256),
    );
  });

  test('States.StringToJson fails with States.IntrinsicFailure when the text is one level deeper', () => {
    const failure = intrinsicFailure('States.StringToJson($.s)', { s: nested(257) });
    expect(failure.error).toBe('States.IntrinsicFailure');
    expect(failure.cause).toBe(
      'The intrinsic function States.StringToJson failed: the JSON is nested deeper than 256 levels',
    );
  });

  test('$parse fails with States.QueryEvaluationError when the text is nested 10,000 deep', async () => {
    const failure = await evaluationFailure('$parse($states.input.s)', { s: nested(10_000) });
    expect(failure.cause).toBe(
      "The JSONata expression '$parse($states.input.s)' specified for the field 'Output' threw an error during evaluation. D3009: The function $parse refuses JSON nested deeper than 256 levels",
    );
    expect(await evaluateExpression('$parse($states.input.s)', scope({ s: nested(256) }), 'Output')).toHaveLength(1);
  });
});

describe('intrinsic string results', () => {
  test('States.Format fails before building a string longer than MAX_INTRINSIC_STRING_CHARS', () => {
    const big = 'x'.repeat(1024 * 1024);
    const failure = intrinsicFailure("States.Format('{}{}{}{}{}', $.b, $.b, $.b, $.b, $.b)", { b: big });
    expect(failure.cause).toBe(
      `The intrinsic function States.Format failed: the result would be longer than ${MAX_INTRINSIC_STRING_CHARS} characters`,
    );
    expect(
      (evaluateIntrinsic("States.Format('{}{}{}{}', $.b, $.b, $.b, $.b)", { b: big }, CONTEXT, ENV) as string).length,
    ).toBe(4 * 1024 * 1024);
  });
});
