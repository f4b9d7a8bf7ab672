import { StatesError } from '../../engine/core/errors';
import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  describeMissingPath,
  isValidPath,
  isValidReferencePath,
  isValidResultPath,
  PathNotFoundError,
  readPath,
} from '../../engine/core/paths';

const STORE = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
};
const CONTEXT = { Execution: { Id: 'arn:exec', Input: { a: 1 } }, State: { Name: 'S', RetryCount: 0 } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('isValidPath', () => {
  test.each([
    '$',
    '$$',
    '$.a',
    '$.a.b[0]',
    "$['a b']",
    '$.a[*].b',
    '$..author',
    '$.a[?(@.price < 10)]',
    '$.a[1:3]',
    '$.a[-1:]',
    '$.a[0,2]',
    '$$.Execution.Id',
    '$.my-field',
    "$.abc.['def ghi']",
  ])('accepts %s when it is valid JSONPath', (path) => {
    expect(isValidPath(path)).toBe(true);
  });
  test.each(['', 'a.b', '.a', '$.', '$[', "$['a", '$.a[?(@.x <)]', '$.a]', '$ .a', '$.a..', '$var.x'])(
    'rejects %j when it is not a valid data or context path',
    (path) => {
      expect(isValidPath(path)).toBe(false);
    },
  );
});

describe('isValidReferencePath', () => {
  test.each(['$', '$.a', '$.a.b', "$['a']['b c']", '$.a[0]', '$.a[12].b', '$$.Execution.Input'])(
    'accepts %s when it selects one node',
    (path) => {
      expect(isValidReferencePath(path)).toBe(true);
    },
  );
  test.each(['$.a[*]', '$..a', '$.a[?(@.b)]', '$.a[0:2]', '$.a[0,1]', "$['a','b']", '$.a[-1]', '$.*', 'x'])(
    'rejects %s when it is not a single-node path',
    (path) => {
      expect(isValidReferencePath(path)).toBe(false);
    },
  );
});

describe('isValidResultPath', () => {
  test('accepts a reference path when it is rooted at $', () => {
    expect([isValidResultPath('$'), isValidResultPath('$.result'), isValidResultPath('$.a[0].b')]).toEqual([
      true,
      true,
      true,
    ]);
  });
  test('rejects a path when it reads the context object or is indefinite', () => {
    expect([isValidResultPath('$$.Execution'), isValidResultPath('$$'), isValidResultPath('$.a[*]')]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('readPath', () => {
  test('returns the whole input when the path is $', () => {
    expect(readPath('$', STORE, CONTEXT)).toEqual(STORE);
  });
  test('returns a single value when the path is definite', () => {
    expect(readPath('$.store.book[1].author', STORE, CONTEXT)).toBe('Evelyn Waugh');
    expect(readPath("$['store']['bicycle']['color']", STORE, CONTEXT)).toBe('red');
    expect(readPath('$.store.book[-1].title', STORE, CONTEXT)).toBe('Moby Dick');
  });
  test('returns null when the field exists with a null value', () => {
    expect(readPath('$.a', { a: null }, CONTEXT)).toBeNull();
  });
  test('reads the context object when the path starts with $$', () => {
    expect(readPath('$$.Execution.Id', STORE, CONTEXT)).toBe('arn:exec');
    expect(readPath('$$', STORE, CONTEXT)).toEqual(CONTEXT);
  });
  test('reads workflow variables when the path starts with $name', () => {
    expect(readPath('$order.items[0]', {}, CONTEXT, { order: { items: ['x', 'y'] } })).toBe('x');
  });
  test('returns an array of matches when the path has a wildcard', () => {
    expect(readPath('$.store.book[*].author', STORE, CONTEXT)).toEqual([
      'Nigel Rees',
      'Evelyn Waugh',
      'Herman Melville',
    ]);
    expect(readPath('$.store.bicycle.*', STORE, CONTEXT)).toEqual(['red', 19.95]);
  });
  test('returns every match in document order when the path scans descendants', () => {
    expect(readPath('$..price', STORE, CONTEXT)).toEqual([8.95, 12.99, 8.99, 19.95]);
  });
  test('returns the matching items when the path has a filter', () => {
    expect(readPath('$.store.book[?(@.price < 10)].title', STORE, CONTEXT)).toEqual([
      'Sayings of the Century',
      'Moby Dick',
    ]);
    expect(readPath('$.store.book[?(@.isbn)].author', STORE, CONTEXT)).toEqual(['Herman Melville']);
    expect(readPath("$.store.book[?(@.category == 'fiction' && @.price > 10)].title", STORE, CONTEXT)).toEqual([
      'Sword of Honour',
    ]);
    expect(readPath('$.store.book[?(@.author =~ /.*Rees/)].price', STORE, CONTEXT)).toEqual([8.95]);
    expect(readPath('$.store.book[?(!(@.price < 10))].title', STORE, CONTEXT)).toEqual(['Sword of Honour']);
    expect(readPath('$.store.book[?(@.price > $.store.bicycle.price)]', STORE, CONTEXT)).toEqual([]);
  });
  test('returns the selected items when the path has a slice or a union', () => {
    expect(readPath('$.a[1:3]', { a: [0, 1, 2, 3] }, CONTEXT)).toEqual([1, 2]);
    expect(readPath('$.a[-2:]', { a: [0, 1, 2, 3] }, CONTEXT)).toEqual([2, 3]);
    expect(readPath('$.a[::2]', { a: [0, 1, 2, 3] }, CONTEXT)).toEqual([0, 2]);
    expect(readPath('$.a[0,3]', { a: [0, 1, 2, 3] }, CONTEXT)).toEqual([0, 3]);
    expect(readPath("$['x','z']", { x: 1, y: 2, z: 3 }, CONTEXT)).toEqual([1, 3]);
  });
  test('returns an empty array when an indefinite path matches nothing', () => {
    expect(readPath('$.a[*].missing', { a: [{}, {}] }, CONTEXT)).toEqual([]);
  });
  test('throws PathNotFoundError with AWS text when a leaf field is missing', () => {
    const err = thrown(() => readPath('$.NoSuchInputPath', { 'int-literal': 0 }, CONTEXT));
    expect(err).toBeInstanceOf(PathNotFoundError);
    expect((err as PathNotFoundError).message).toBe(
      "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
    );
  });
  test('throws PathNotFoundError naming the missing field when an intermediate field is missing', () => {
    expect((thrown(() => readPath('$.a.b.c', { a: {} }, CONTEXT)) as Error).message).toBe(
      "Invalid path '$.a.b.c' : Missing property in path $['a']['b']",
    );
  });
  test('throws PathNotFoundError when an index is out of range', () => {
    expect((thrown(() => readPath('$.a[5]', { a: [1] }, CONTEXT)) as Error).message).toBe(
      "Invalid path '$.a[5]' : No results for path: $['a'][5]",
    );
  });
  test('throws PathNotFoundError when a field is read from a value that is not an object', () => {
    expect((thrown(() => readPath('$.a.b', { a: 3 }, CONTEXT)) as PathNotFoundError).reason).toBe(
      "Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'. " +
        "This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
    );
  });
  test('throws PathNotFoundError when a variable is not defined', () => {
    expect(thrown(() => readPath('$nope', {}, CONTEXT, {}))).toBeInstanceOf(PathNotFoundError);
  });
});

describe('describeMissingPath', () => {
  test('renders the path in Jayway bracket notation when no reason is given', () => {
    expect(describeMissingPath("$.a['b c'][0]")).toBe(
      "Invalid path '$.a['b c'][0]' : No results for path: $['a']['b c'][0]",
    );
  });
});

describe('applyInputPath', () => {
  test('returns the input unchanged when InputPath is absent', () => {
    expect(applyInputPath(undefined, { a: 1 }, CONTEXT)).toEqual({ a: 1 });
  });
  test('returns an empty object when InputPath is null', () => {
    expect(applyInputPath(null, { a: 1 }, CONTEXT)).toEqual({});
  });
  test('returns the selected value when InputPath matches', () => {
    expect(applyInputPath('$.lambda', { lambda: { who: 'AWS Step Functions' }, extra: 'foo' }, CONTEXT)).toEqual({
      who: 'AWS Step Functions',
    });
  });
  test('fails with States.Runtime and AWS cause when InputPath matches nothing', () => {
    const err = thrown(() => applyInputPath('$.NoSuchInputPath', { 'int-literal': 0 }, CONTEXT)) as StatesError;
    expect(err).toBeInstanceOf(StatesError);
    expect([err.error, err.cause]).toEqual([
      'States.Runtime',
      "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
    ]);
  });
});

describe('applyOutputPath', () => {
  test('applies the same rules as InputPath when OutputPath is set, null or absent', () => {
    const output = { data: { val1: 23, lambdaresult: 'Hello' } };
    expect([
      applyOutputPath('$.data', output, CONTEXT),
      applyOutputPath(null, output, CONTEXT),
      applyOutputPath(undefined, output, CONTEXT),
    ]).toEqual([{ val1: 23, lambdaresult: 'Hello' }, {}, output]);
  });
  test('fails with States.Runtime when OutputPath matches nothing', () => {
    expect((thrown(() => applyOutputPath('$.x', {}, CONTEXT)) as StatesError).error).toBe('States.Runtime');
  });
});

describe('applyResultPath', () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  test('returns the result when ResultPath is absent or $', () => {
    expect(applyResultPath(undefined, input, 'Hello, Step Functions!')).toBe('Hello, Step Functions!');
    expect(applyResultPath('$', input, 'Hello, Step Functions!')).toBe('Hello, Step Functions!');
  });
  test('returns the input when ResultPath is null', () => {
    expect(applyResultPath(null, input, 'Hello, Step Functions!')).toEqual(input);
  });
  test('adds the result to the input when ResultPath names a new field', () => {
    expect(applyResultPath('$.taskresult', input, 'Hello, Step Functions!')).toEqual({
      ...input,
      taskresult: 'Hello, Step Functions!',
    });
  });
  test('replaces a field when ResultPath names an existing one', () => {
    expect(applyResultPath('$.who', input, { name: 'x' })).toEqual({ ...input, who: { name: 'x' } });
  });
  test('creates missing objects when ResultPath runs through absent fields', () => {
    expect(applyResultPath('$.data.lambdaresult', { data: { val1: 23 } }, 'r')).toEqual({
      data: { val1: 23, lambdaresult: 'r' },
    });
    expect(applyResultPath("$.a['b c'].d", {}, 1)).toEqual({ a: { 'b c': { d: 1 } } });
  });
  test('sets an array element when ResultPath has an index in range', () => {
    expect(applyResultPath('$.list[1].x', { list: [{}, { y: 1 }] }, 2)).toEqual({ list: [{}, { y: 1, x: 2 }] });
  });
  test('leaves the input untouched when ResultPath merges a result', () => {
    const original = { a: { b: 1 } };
    applyResultPath('$.a.c', original, 2);
    expect(original).toEqual({ a: { b: 1 } });
  });
  test('keeps a member named __proto__ as data when ResultPath copies the input', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":1}}') as object;
    const output = applyResultPath('$.a.r', input, 2) as Record<string, unknown>;
    expect(JSON.stringify(output)).toBe('{"__proto__":{"polluted":true},"a":{"__proto__":1,"r":2}}');
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(output.a)).toBe(Object.prototype);
  });
  test('fails with States.ResultPathMatchFailure when the input is not an object', () => {
    const err = thrown(() => applyResultPath('$.result', 'text', 1)) as StatesError;
    expect([err.error, err.cause]).toEqual([
      'States.ResultPathMatchFailure',
      `Unable to apply ResultPath '$.result' to input '"text"': the value at $ is not an object`,
    ]);
  });
  test('fails with States.ResultPathMatchFailure when the path runs through a non-object', () => {
    const err = thrown(() => applyResultPath('$.a.b', { a: [1] }, 1)) as StatesError;
    expect([err.error, err.cause]).toEqual([
      'States.ResultPathMatchFailure',
      `Unable to apply ResultPath '$.a.b' to input '{"a":[1]}': the value at $['a'] is not an object`,
    ]);
  });
  test('fails with States.ResultPathMatchFailure when an index is out of range', () => {
    expect((thrown(() => applyResultPath('$.a[3]', { a: [] }, 1)) as StatesError).cause).toBe(
      `Unable to apply ResultPath '$.a[3]' to input '{"a":[]}': index 3 is out of range at $['a']`,
    );
  });
});
