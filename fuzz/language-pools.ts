/**
 * The values generated definitions draw from: paths, intrinsics, JSONata expressions, resources,
 * error names, timestamps, variable names — valid ones, ones the validator must refuse, and known
 * poison (unbounded cost in the workflow sandbox today).
 */

export const ACCOUNT = 'arn:aws:lambda:us-east-1:123456789012:function';
/** Functions the fixture directory (real stack) and the in-memory host (interpreter) both provide. */
export const FUZZ_FUNCTIONS = ['echo', 'boom', 'add'] as const;

export const PATHS = [
  '$', '$.a', '$.a.b', '$.items', '$.items[0]', '$.items[1:]', '$.items[*]', '$.s', '$.n', '$..a', "$['a']", '$.items[-1:]',
  '$.items[?(@ > 1)]', '$.items.length()', '$$', '$$.Execution.Id', '$$.Execution.Input', '$$.State.Name', '$$.State.RetryCount',
  '$$.Map.Item.Value', '$$.Map.Item.Index', '$$.Task.Token', '$x', '$x.a', '$.__proto__', '$.constructor', '$.constructor.prototype',
  '$.toString', '$.missing', '$.missing.deeper', '$.n.x',
];
/** Paths the validator should refuse (or that probe the JSONPath engine). */
export const BAD_PATHS = ['$.a[(@.length-1)]', '$.items[?(@.constructor.constructor("return process")())]', 'a', '', '$.', '$[', '$..', '$.a['];
export const INTRINSICS = [
  "States.Format('{} and {}', $.a, $.s)", "States.Format('{}')", "States.Format('\\{}', 1)", 'States.StringToJson($.s)',
  "States.StringToJson('{\"a\":1}')", 'States.JsonToString($)', 'States.Array(1, 2, $.n)', 'States.ArrayPartition($.items, 2)',
  'States.ArrayPartition($.items, 0)', 'States.ArrayContains($.items, 1)', 'States.ArrayRange(1, 10, 2)', 'States.ArrayRange(1, 3, 0)',
  'States.ArrayGetItem($.items, 5)', 'States.ArrayLength($.items)', 'States.ArrayUnique($.items)', 'States.Base64Encode($.s)',
  'States.Base64Decode($.s)', "States.Hash($.s, 'SHA-256')", "States.Hash($.s, 'MD4')", 'States.JsonMerge($.a, $.a, false)',
  'States.JsonMerge($.a, $.items, false)', 'States.MathRandom(1, 10)', 'States.MathRandom(10, 1)', 'States.MathAdd($.n, 1)',
  'States.MathAdd(9007199254740991, 1)', "States.StringSplit($.s, ',')", 'States.UUID()', 'States.Format(States.Array(1), States.UUID())',
  'States.ArrayLength(States.ArrayPartition(States.Array(1, 2, 3), 1))', 'States.Nope($)', 'States.Array(', "States.Format('{}', $.__proto__)",
  'States.StringToJson($.deep)',
];
/** Intrinsics whose cost or size is unbounded today (the poison fixes bound them); not in tame definitions. */
export const POISON_INTRINSICS = ['States.ArrayRange(1, 100000000, 1)', 'States.ArrayRange(-1000000000, 1000000000, 1)', "States.StringToJson('[[[[[[[[[[[[[[[[[[[[[[[[')"];
export const JSONATA = [
  '{% $states.input %}', '{% $states.input.a %}', '{% $states.input.n + 1 %}', '{% $x %}', '{% $string($states.input) %}',
  '{% $count($states.input.items) %}', '{% [1..100] %}', '{% $states.context.Execution.Id %}', '{% $undefinedFn() %}', '{% 1/0 %}',
  '{% $error("boom") %}', '{% $eval("1+1") %}', '{% $states.result %}', '{% $states.errorOutput %}', '{% $sum([1,2]) %}', '{% $now() %}',
  '{% $millis() %}', '{% $random() %}', '{% $uuid() %}', '{% $parse("x") %}', '{% $hash("x","SHA-256") %}', '{% $partition([1,2,3],2) %}',
  '{% $range(0,10,2) %}', '{% $base64encode("x") %}', '{% function($x){$x}(1) %}', '{% $states.input.__proto__ %}',
  '{% $states.input.constructor %}', '{% $lookup($states.input, "__proto__") %}', '{% $merge([{"__proto__": {"a":1}}]) %}',
  '{% $spread($states.input) %}', '{% $sort($states.input.items) %}', '{% $replace("aaa", /a*/, "b") %}', '{% "x" & "y" %}',
  '{% $formatNumber(1e308, "#,##0") %}', '{% $toMillis("garbage") %}', '{% $fromMillis(8.64e15) %}', '{% $substring("abc", 1e9) %}',
  '{% $power(10, 400) %}', '{% $number("0x") %}', '{% %}', '{% $states.input.s ~> $uppercase %}', '{% $states.input.items[0] %}',
  '{% ( %}', '{% $x := 1 %}', '{% $exists($states.input.missing) %}',
];
/** JSONata whose cost or size is unbounded today (the poison fixes bound them); not in tame definitions. */
export const POISON_JSONATA = [
  '{% [1..100000] %}', '{% $match($states.input.s, /(a+)+$/) %}', '{% $pad("x", 100000000) %}',
  '{% ( $f := function($n){ $n > 0 ? 1 + $f($n-1) : 0 }; $f(100000) ) %}', '{% $join($string([1..1000000]), ",") %}',
];
export const RESOURCES = [
  ...FUZZ_FUNCTIONS.map((name) => `${ACCOUNT}:${name}`),
  'arn:aws:states:::lambda:invoke',
  `${ACCOUNT}:missing-function`,
  `${ACCOUNT}:__proto__`,
  `${ACCOUNT}:constructor`,
  `${ACCOUNT}:toString`,
  'arn:aws:states:::http:invoke',
  'arn:aws:states:::aws-sdk:s3:getObject',
  'arn:aws:s3:::bucket',
  'arn:aws:states:us-east-1:123456789012:stateMachine:missing',
];
/** Resources that wait for somebody else (a callback, an activity worker, a child): not in tame definitions. */
export const WAITING_RESOURCES = [
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
  'arn:aws:states:us-east-1:123456789012:activity:fuzz',
  'arn:aws:states:::states:startExecution.sync',
  'arn:aws:states:::states:startExecution',
  'not-an-arn',
];
export const ERROR_NAMES = ['States.ALL', 'States.TaskFailed', 'States.Timeout', 'States.Runtime', 'States.DataLimitExceeded', 'Boom', 'Lambda.ServiceException', 'States.Permissions', 'Custom.Error', ''];
export const TIMESTAMPS = ['2016-03-14T01:59:00Z', '2026-01-01T00:00:01.5+01:00', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '2016-13-05T00:00:00Z', 'yesterday'];
export const VARIABLE_NAMES = ['x', 'y', 'counter'];
export const ODD_VARIABLE_NAMES = ['__proto__', 'constructor', 'states', '1bad', 'a.b', ''];
/** Reference paths (ResultPath, Choice `Variable`): no filters, no context object. */
export const REFERENCE_PATHS = ['$', '$.a', '$.a.b', '$.items', '$.items[0]', '$.s', '$.n', '$.result', '$.__proto__', '$.constructor', "$['a']", '$x', '$x.a'];

/** Known poison as one state: unbounded today in the workflow sandbox (the poison fixes bound them). */
export const POISON_STATES: Record<string, unknown>[] = [
  { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/) %}' },
  { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $count([1..10000000]) %}' },
  { Type: 'Pass', Parameters: { 'range.$': 'States.ArrayRange(1, 100000000, 1)' } },
  { Type: 'Map', QueryLanguage: 'JSONata', Items: '{% [1..100000] %}', MaxConcurrency: 0, ItemProcessor: { StartAt: 'PoisonItem', States: { PoisonItem: { Type: 'Pass', End: true } } } },
  { Type: 'Pass', Parameters: { 'deep.$': `States.StringToJson('${'['.repeat(10_000)}${']'.repeat(10_000)}')` } },
];
