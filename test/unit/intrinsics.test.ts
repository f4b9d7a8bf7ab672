import { StatesError } from '../../engine/core/errors';
import { evaluateIntrinsic, IntrinsicSyntaxError, isIntrinsic, parseIntrinsic } from '../../engine/core/intrinsics';
import { PathNotFoundError } from '../../engine/core/paths';

const ENV = { random: () => 0.5 };
const CONTEXT = {
  StateMachine: { Name: 'my-state-machine' },
  Execution: { Input: { input_field: { constant_input_field: 'constant_value' } } },
};
const run = (expr: string, input: unknown = {}, env = ENV) => evaluateIntrinsic(expr, input, CONTEXT, env);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
function failure(fn: () => unknown): [string, string] {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(StatesError);
  return [(err as StatesError).error, (err as StatesError).cause];
}

describe('isIntrinsic', () => {
  test('is true when the expression is a States call', () => {
    expect([
      isIntrinsic("States.Format('a')"),
      isIntrinsic('States.UUID()'),
      isIntrinsic('States.Array ( 1 )'),
    ]).toEqual([true, true, true]);
  });
  test('is false when the expression is a path or not a call', () => {
    expect([
      isIntrinsic('$.a'),
      isIntrinsic('States.Format'),
      isIntrinsic('MyStates.Format()'),
      isIntrinsic('$$.States.X()'),
    ]).toEqual([false, false, false, false]);
  });
});

describe('parseIntrinsic', () => {
  test('builds the call tree when arguments nest and mix kinds', () => {
    expect(
      parseIntrinsic("States.Format('x {} {} {} {} {}', $.a, -3.5, States.Array(1, true), null, $$.Execution.Id)"),
    ).toEqual({
      name: 'States.Format',
      position: 0,
      args: [
        { kind: 'literal', value: 'x {} {} {} {} {}', raw: 'x {} {} {} {} {}' },
        { kind: 'path', path: '$.a' },
        { kind: 'literal', value: -3.5 },
        {
          kind: 'call',
          call: {
            name: 'States.Array',
            position: 45,
            args: [
              { kind: 'literal', value: 1 },
              { kind: 'literal', value: true },
            ],
          },
        },
        { kind: 'literal', value: null },
        { kind: 'path', path: '$$.Execution.Id' },
      ],
    });
  });
  test('reads $ alone, bracket paths and variables when they are arguments', () => {
    expect(parseIntrinsic("States.Array($, $.abc.['def ghi'], $var.x[0])").args).toEqual([
      { kind: 'path', path: '$' },
      { kind: 'path', path: "$.abc.['def ghi']" },
      { kind: 'path', path: '$var.x[0]' },
    ]);
  });
  test('unescapes the value and keeps the raw text when a string has escapes', () => {
    expect(parseIntrinsic(String.raw`States.Format('it\'s \{\} \\ {}', 1)`).args[0]).toEqual({
      kind: 'literal',
      value: "it's {} \\ {}",
      raw: String.raw`it\'s \{\} \\ {}`,
    });
  });
  test.each([
    ['States.Foo(1)', "unknown intrinsic function 'States.Foo' at position 0 in 'States.Foo(1)'"],
    [
      'States.ArrayLength()',
      "States.ArrayLength expects 1 argument but received 0 at position 0 in 'States.ArrayLength()'",
    ],
    ['States.UUID(1)', "States.UUID expects 0 arguments but received 1 at position 0 in 'States.UUID(1)'"],
    [
      'States.MathRandom(1)',
      "States.MathRandom expects 2 to 3 arguments but received 1 at position 0 in 'States.MathRandom(1)'",
    ],
    ['States.Format()', "States.Format expects at least 1 arguments but received 0 at position 0 in 'States.Format()'"],
    [
      "States.ArrayLength('abc')",
      "States.ArrayLength argument 1 must be of type array, but was string: \"abc\" at position 0 in 'States.ArrayLength('abc')'",
    ],
    [
      'States.JsonMerge($.a, $.b, true)',
      "States.JsonMerge argument 3 must be false, but was true at position 0 in 'States.JsonMerge($.a, $.b, true)'",
    ],
    [
      "States.Format('{} {}', 1)",
      "States.Format has 2 placeholder(s) but 1 value(s) at position 0 in 'States.Format('{} {}', 1)'",
    ],
    ["States.Format('abc", "unterminated string literal at position 14 in 'States.Format('abc'"],
    [
      String.raw`States.Format('a\nb')`,
      String.raw`invalid escape sequence in string literal at position 16 in 'States.Format('a\nb')'`,
    ],
    ['States.Array(1) x', "unexpected characters after the call at position 16 in 'States.Array(1) x'"],
    ['States.Array(1 2)', "expected ',' or ')' at position 15 in 'States.Array(1 2)'"],
    [
      'States.Array(foo)',
      "expected an argument (string, number, boolean, null, path or intrinsic call) at position 13 in 'States.Array(foo)'",
    ],
    [
      'States.Array($.a[)',
      "invalid path argument (expected an index, a quoted name, * or a filter at position 17 in path 'States.Array($.a[)') at position 13 in 'States.Array($.a[)'",
    ],
  ])('rejects %s when it is malformed', (expr, message) => {
    const err = thrown(() => parseIntrinsic(expr));
    expect(err).toBeInstanceOf(IntrinsicSyntaxError);
    expect(err.message).toBe(message);
  });
  test('rejects calls when they nest deeper than 10 levels', () => {
    const ok = 'States.Array('.repeat(10) + ')'.repeat(10);
    expect(parseIntrinsic(ok).name).toBe('States.Array');
    expect(thrown(() => parseIntrinsic('States.Array('.repeat(11) + ')'.repeat(11))).message).toBe(
      `intrinsic functions nest at most 10 levels at position 130 in '${'States.Array('.repeat(11) + ')'.repeat(11)}'`,
    );
  });
});

describe('States.Format', () => {
  test('interpolates values when the template has placeholders', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' })).toBe('Hello, my name is Arnav.');
    expect(run("States.Format('Formatting arguments fst={} and snd={}.', $.fst, $.snd)", { fst: ' ', snd: '' })).toBe(
      'Formatting arguments fst=  and snd=.',
    );
  });
  test('renders scalars as JSON and containers like Java when values are not strings', () => {
    expect(run("States.Format('{} {} {} {}', $.a, $.b, $.c, $.d)", { a: null, b: 1.1, c: true, d: 1 })).toBe(
      'null 1.1 true 1',
    );
    expect(run("States.Format('fst={}.', $.v)", { v: { Arg1: 1, Arg2: [] } })).toBe('fst={Arg1=1, Arg2=[]}.');
    expect(run("States.Format('{}', $.v)", { v: [1, 'a', { b: [null] }] })).toBe('[1, a, {b=[null]}]');
  });
  test('keeps a string value verbatim when it contains JSON', () => {
    expect(run("States.Format('Formatting argument {}.', $.v)", { v: '{"Arg1": 1, "Arg2": []}' })).toBe(
      'Formatting argument {"Arg1": 1, "Arg2": []}.',
    );
  });
  test('prints literal characters when the template escapes them', () => {
    expect(run(String.raw`States.Format('\{\} {} it\'s \\', 'x')`)).toBe("{} x it's \\");
  });
  test('reads the template from a path when the first argument is a path', () => {
    expect(run('States.Format($.t, $.n)', { t: 'Hi {}!', n: 'Bo' })).toBe('Hi Bo!');
  });
  test('fails with States.IntrinsicFailure when placeholders and values differ at run time', () => {
    expect(failure(() => run('States.Format($.t)', { t: '{}' }))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.Format failed: the template has more {} placeholders than values',
    ]);
  });
});

describe('States.StringToJson and States.JsonToString', () => {
  test('parses JSON when the string is valid', () => {
    expect([run('States.StringToJson($.v)', { v: '1' }), run('States.StringToJson($.v)', { v: '1.1' })]).toEqual([
      1, 1.1,
    ]);
    expect(run('States.StringToJson($.v)', { v: '[1, 2, "HelloWorld"]' })).toEqual([1, 2, 'HelloWorld']);
    expect(run('States.StringToJson($.v)', { v: '{"Arg1": 1, "Arg2": []}' })).toEqual({ Arg1: 1, Arg2: [] });
  });
  test('fails with States.IntrinsicFailure when the string is not JSON', () => {
    expect(failure(() => run("States.StringToJson('{nope')"))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.StringToJson failed: the string is not valid JSON: "{nope"',
    ]);
  });
  test('serialises compactly when given any JSON value', () => {
    expect(
      [null, 0, 1.1, true, [1, 2, 'HelloWorld'], { Arg1: 1, Arg2: [] }].map((v) =>
        run('States.JsonToString($.v)', { v }),
      ),
    ).toEqual(['null', '0', '1.1', 'true', '[1,2,"HelloWorld"]', '{"Arg1":1,"Arg2":[]}']);
  });
});

describe('States.Array functions', () => {
  test('builds an array when given any values', () => {
    expect(run('States.Array($.a, $.b)', { a: null, b: null })).toEqual([null, null]);
    expect(run("States.Array('Foo', 2020, $.c, 5)", { c: { x: 1 } })).toEqual(['Foo', 2020, { x: 1 }, 5]);
    expect(run('States.Array()')).toEqual([]);
  });
  test('splits into chunks when partitioning', () => {
    expect(run('States.ArrayPartition($.a, 4)', { a: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
    expect(run('States.ArrayPartition($.a, 1)', { a: [0, 1] })).toEqual([[0], [1]]);
    expect(run('States.ArrayPartition($.a, 5)', { a: [0, 1, 2, 3] })).toEqual([[0, 1, 2, 3]]);
    expect(run('States.ArrayPartition($.a, 2)', { a: [] })).toEqual([]);
  });
  test('fails when the chunk size is not positive', () => {
    expect(failure(() => run('States.ArrayPartition($.a, 0)', { a: [1] }))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.ArrayPartition failed: the chunk size must be a positive integer, but was 0',
    ]);
  });
  test('compares deeply when checking containment', () => {
    expect(run('States.ArrayContains($.a, $.v)', { a: [], v: null })).toBe(false);
    expect(run('States.ArrayContains($.a, $.v)', { a: [[1, 2, 3], 2], v: null })).toBe(false);
    expect(run('States.ArrayContains($.a, $.v)', { a: [[1, 2, 3], 2], v: [1, 2, 3] })).toBe(true);
    expect(run('States.ArrayContains($.a, $.v)', { a: [{ 1: 2, 2: [] }], v: [] })).toBe(false);
    expect(run('States.ArrayContains($.a, $.v)', { a: [{ x: 1, y: 2 }], v: { y: 2, x: 1 } })).toBe(true);
  });
  test('counts inclusively when building a range', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(1, 9, 9)')).toEqual([1]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(5, 1, 2)')).toEqual([]);
    expect(run('States.ArrayRange(0.6, 2.4, 1)')).toEqual([1, 2]);
    expect((run('States.ArrayRange(1, 1000, 1)') as number[]).length).toBe(1000);
  });
  test('fails when the range has a zero step or more than 1000 items', () => {
    expect(failure(() => run('States.ArrayRange(1, 9, 0)'))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.ArrayRange failed: the step must not be 0',
    ]);
    expect(failure(() => run('States.ArrayRange(1, 1001, 1)'))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.ArrayRange failed: the result would have 1001 items; at most 1000 are allowed',
    ]);
  });
  test('returns the item when the index is in range', () => {
    expect(run('States.ArrayGetItem($.a, $.i)', { a: [1, 2, 3, 4, 5, 6, 7, 8, 9], i: 5 })).toBe(6);
  });
  test('fails when the index is out of range', () => {
    expect(failure(() => run('States.ArrayGetItem($.a, 3)', { a: [1, 2, 3] }))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.ArrayGetItem failed: index 3 is out of bounds for an array of length 3',
    ]);
  });
  const MIXED = [
    null,
    null,
    true,
    true,
    false,
    false,
    1,
    1,
    1.1,
    0,
    0,
    'HelloWorld',
    'HelloWorld',
    [],
    [],
    [null],
    [null],
    { a: 1, b: 2 },
    { a: 1, b: 2 },
    { a: 1, b: 1 },
  ];
  test('counts items when asked for the length', () => {
    expect(run('States.ArrayLength($.a)', { a: MIXED })).toBe(20);
  });
  test('keeps first occurrences when removing duplicates', () => {
    expect(run('States.ArrayUnique($.a)', { a: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
    expect(run('States.ArrayUnique($.a)', { a: MIXED })).toEqual([
      null,
      true,
      false,
      1,
      1.1,
      0,
      'HelloWorld',
      [],
      [null],
      { a: 1, b: 2 },
      { a: 1, b: 1 },
    ]);
  });
  test('fails with States.IntrinsicFailure when an argument has the wrong type at run time', () => {
    expect(failure(() => run('States.ArrayLength($.a)', { a: 'x' }))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.ArrayLength failed: States.ArrayLength argument 1 must be of type array, but was string: "x"',
    ]);
  });
});

describe('States.Base64Encode and States.Base64Decode', () => {
  test('encodes UTF-8 when given text', () => {
    expect([
      run("States.Base64Encode('Data to encode')"),
      run("States.Base64Encode('')"),
      run("States.Base64Encode('héllo wörld ✓')"),
    ]).toEqual(['RGF0YSB0byBlbmNvZGU=', '', 'aMOpbGxvIHfDtnJsZCDinJM=']);
  });
  test('decodes to UTF-8 when given base64', () => {
    expect([
      run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"),
      run("States.Base64Decode('aMOpbGxvIHfDtnJsZCDinJM=')"),
      run("States.Base64Decode('YQ')"),
    ]).toEqual(['Data to encode', 'héllo wörld ✓', 'a']);
  });
  test('fails when the input is not base64', () => {
    expect(failure(() => run("States.Base64Decode('not base64!')"))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.Base64Decode failed: the input is not valid base64: "not base64!"',
    ]);
  });
  test('fails when the input is longer than 10000 characters', () => {
    expect(failure(() => run('States.Base64Encode($.s)', { s: 'a'.repeat(10001) }))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.Base64Encode failed: the input has 10001 characters; at most 10000 are allowed',
    ]);
  });
});

describe('States.Hash', () => {
  test('returns the hex digest when the algorithm is supported', () => {
    const input = { d: 'input data' };
    expect(
      ['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map((alg) => run(`States.Hash($.d, '${alg}')`, input)),
    ).toEqual([
      '812f45842bc6d66ee14572ce20db8e86',
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
      'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
      'd28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562',
      '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4',
    ]);
  });
  test('fails when the algorithm is unknown', () => {
    expect(failure(() => run("States.Hash('x', 'SHA-3')"))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.Hash failed: the algorithm "SHA-3" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512',
    ]);
  });
});

describe('States.JsonMerge', () => {
  test('merges shallowly with the second object winning when the flag is false', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });
  test('accepts nested calls and the context object when arguments are expressions', () => {
    expect(
      run(
        `States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)`,
      ),
    ).toEqual({
      constant_in_literal: 'false',
      constant_input_field: 'constant_value',
    });
  });
  test('fails when the deep-merge flag resolves to true', () => {
    expect(failure(() => run('States.JsonMerge($.a, $.a, $.deep)', { a: {}, deep: true }))[1]).toBe(
      'The intrinsic function States.JsonMerge failed: States.JsonMerge argument 3 must be false, but was true',
    );
  });
});

describe('States.MathRandom and States.MathAdd', () => {
  test('draws from env.random within [start, end) when no seed is given', () => {
    expect(run('States.MathRandom(1, 999)')).toBe(500);
    expect(run('States.MathRandom($.a, $.b)', { a: 12.5, b: 44.51 }, { random: () => 0 })).toBe(13);
    expect(run('States.MathRandom(1, 3)', {}, { random: () => 0.9999 })).toBe(2);
  });
  test('depends on the seed alone when a seed is given', () => {
    expect(run('States.MathRandom(1, 101, 42)', {}, { random: () => 0 })).toBe(31);
    expect(run('States.MathRandom(1, 101, 42)', {}, { random: () => 0.99 })).toBe(31);
    expect(run('States.MathRandom(0, 1000, -7)')).toBe(662);
  });
  test('fails when the end is not greater than the start', () => {
    expect(failure(() => run('States.MathRandom(5, 5)'))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.MathRandom failed: the end (5) must be greater than the start (5)',
    ]);
  });
  test('rounds half up before adding when operands are decimals', () => {
    expect([1.49, -1.5, 2.5, 3.5, -3.5].map((v) => run('States.MathAdd($.v, 0)', { v }))).toEqual([1, -1, 3, 4, -3]);
    expect(run('States.MathAdd(111, -1)')).toBe(110);
  });
  test('fails when an operand is outside the int32 range', () => {
    expect(failure(() => run('States.MathAdd(2147483648, 1)'))).toEqual([
      'States.IntrinsicFailure',
      'The intrinsic function States.MathAdd failed: 2147483648 is outside the integer range',
    ]);
  });
});

describe('States.StringSplit', () => {
  test('splits on every delimiter character and drops empty pieces', () => {
    expect(run('States.StringSplit($.s, $.d)', { s: 'This.is+a,test=string', d: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    expect(run("States.StringSplit('1,2,,3,', ',')")).toEqual(['1', '2', '3']);
    expect(run("States.StringSplit('Hello\nWorld', '\n')")).toEqual(['Hello', 'World']);
  });
  test('feeds nested calls when splitting the state machine name', () => {
    expect(run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)")).toBe('my');
    expect(
      run(
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
      ),
    ).toBe('machine');
  });
});

describe('States.UUID', () => {
  test('sets the version and variant bits when built from env.random', () => {
    expect(run('States.UUID()', {}, { random: () => 0 })).toBe('00000000-0000-4000-8000-000000000000');
    expect(run('States.UUID()', {}, { random: () => 0.999 })).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('evaluateIntrinsic', () => {
  test('reads workflow variables when an argument is $name', () => {
    expect(
      evaluateIntrinsic("States.Format('Format Func {}', $varname)", {}, CONTEXT, ENV, { variables: { varname: 'v' } }),
    ).toBe('Format Func v');
  });
  test('propagates PathNotFoundError when a path argument selects nothing', () => {
    expect(thrown(() => run('States.Array($.missing)'))).toBeInstanceOf(PathNotFoundError);
  });
});
