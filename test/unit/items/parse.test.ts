import { StatesError } from '../../../engine/core/errors';
import {
  createItemParser,
  DEFAULT_ITEM_LIMITS,
  itemParseConfig,
  type ItemLimits,
  parseItems,
  resolveMaxItems,
} from '../../../engine/core/items';

const SOURCE = 's3://bucket/key';

function parse(
  body: string | Uint8Array,
  config: Parameters<typeof itemParseConfig>[0],
  maxItems?: number,
  limits?: Partial<ItemLimits>,
) {
  return parseItems(body, itemParseConfig(config, maxItems), SOURCE, { ...DEFAULT_ITEM_LIMITS, ...limits });
}

/** The error a call throws, as `{error, cause}`. */
function failure(run: () => unknown): { error: string; cause: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof StatesError) return { error: err.error, cause: err.cause };
    throw err;
  }
  throw new Error('expected a StatesError');
}

describe('parseItems: JSON', () => {
  test('yields the elements of a top-level array', () => {
    expect(parse('[{"a":1},"two",3,null,[4]]', { InputType: 'JSON' })).toEqual([{ a: 1 }, 'two', 3, null, [4]]);
  });

  test('selects a nested array with ItemsPointer, ~0 and ~1 unescaped', () => {
    const doc = JSON.stringify({ data: { 'a/b': { '~x': [[1, 2], [3]] } } });
    expect([
      parse(doc, { InputType: 'JSON', ItemsPointer: '/data/a~1b/~0x' }),
      parse(doc, { InputType: 'JSON', ItemsPointer: '/data/a~1b/~0x/0' }),
    ]).toEqual([
      [[1, 2], [3]],
      [1, 2],
    ]);
  });

  test('fails when the document is not an array and no ItemsPointer is set', () => {
    expect(failure(() => parse('{"items":[1]}', { InputType: 'JSON' }))).toEqual({
      error: 'States.ItemReaderFailed',
      cause: 's3://bucket/key does not hold a JSON array; set ReaderConfig.ItemsPointer to the array inside it',
    });
  });

  test('fails when ItemsPointer selects nothing or no array', () => {
    expect([
      failure(() => parse('{"items":[1]}', { InputType: 'JSON', ItemsPointer: '/nope' })),
      failure(() => parse('{"items":{"a":1}}', { InputType: 'JSON', ItemsPointer: '/items' })),
      failure(() => parse('{"items":[1]}', { InputType: 'JSON', ItemsPointer: 'items' })),
    ]).toEqual([
      { error: 'States.ItemReaderFailed', cause: "ItemsPointer '/nope' selects nothing in the JSON document" },
      {
        error: 'States.ItemReaderFailed',
        cause: "ItemsPointer '/items' does not select a JSON array in s3://bucket/key",
      },
      {
        error: 'States.ItemReaderFailed',
        cause: "ItemsPointer 'items' is not a JSON pointer (it must start with '/')",
      },
    ]);
  });

  test('fails on invalid JSON with the parser message', () => {
    expect(failure(() => parse('[1,', { InputType: 'JSON' })).cause).toMatch(/^s3:\/\/bucket\/key is not valid JSON: /);
  });

  test('ignores a byte-order mark and decodes UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode('\ufeff["héllo","€"]');
    const parser = createItemParser(itemParseConfig({ InputType: 'JSON' }), SOURCE);
    const items = bytes.reduce<unknown[]>((acc, _, i) => [...acc, ...parser.push(bytes.slice(i, i + 1))], []);
    expect([...items, ...parser.end()]).toEqual(['héllo', '€']);
  });

  test('stops at MaxItems', () => {
    expect(parse('[1,2,3,4,5]', { InputType: 'JSON' }, 2)).toEqual([1, 2]);
  });

  test('fails on invalid UTF-8', () => {
    expect(failure(() => parse(new Uint8Array([0x5b, 0xff, 0x5d]), { InputType: 'JSON' }))).toEqual({
      error: 'States.ItemReaderFailed',
      cause: 's3://bucket/key is not valid UTF-8 text',
    });
  });
});

describe('parseItems: JSON Lines', () => {
  test('yields one item per non-blank line, CRLF or LF, last line without newline', () => {
    expect(parse('{"a":1}\r\n\n  \n"two"\n3\n[4]', { InputType: 'JSONL' })).toEqual([{ a: 1 }, 'two', 3, [4]]);
  });

  test('gives the same items whatever the chunking', () => {
    const text = '{"a":"x\\ny"}\n{"b":[1,2]}\r\n"é"\n';
    const bytes = new TextEncoder().encode(text);
    for (let step = 1; step <= bytes.length; step++) {
      const parser = createItemParser(itemParseConfig({ InputType: 'JSONL' }), SOURCE);
      const items: unknown[] = [];
      for (let i = 0; i < bytes.length; i += step) items.push(...parser.push(bytes.slice(i, i + step)));
      items.push(...parser.end());
      expect(items).toEqual([{ a: 'x\ny' }, { b: [1, 2] }, 'é']);
    }
  });

  test('names the line of invalid JSON', () => {
    expect(failure(() => parse('1\n2\n{nope}\n', { InputType: 'JSONL' })).cause).toMatch(
      /^Line 3 of s3:\/\/bucket\/key is not valid JSON: /,
    );
  });

  test('stops at MaxItems without reading the invalid rest', () => {
    const parser = createItemParser(itemParseConfig({ InputType: 'JSONL' }, 2), SOURCE);
    expect([parser.push('1\n2\n3\n{bad'), parser.done, parser.push('more'), parser.end()]).toEqual([
      [1, 2],
      true,
      [],
      [],
    ]);
  });

  test('fails when a line grows past the item bound before its newline arrives', () => {
    const parser = createItemParser(itemParseConfig({ InputType: 'JSONL' }), SOURCE, {
      ...DEFAULT_ITEM_LIMITS,
      maxItemChars: 10,
    });
    parser.push('1\n"abcd');
    expect(failure(() => parser.push('efghijk'))).toEqual({
      error: 'States.ItemReaderFailed',
      cause: "Line 2 of s3://bucket/key is longer than Stepflow's limit of 10 characters",
    });
  });
});

describe('parseItems: CSV', () => {
  test('keys each record by the first row, every value a string', () => {
    expect(
      parse('id,name,score\n1,Ann,9.5\n2,"Bo, Jr.",10\n', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }),
    ).toEqual([
      { id: '1', name: 'Ann', score: '9.5' },
      { id: '2', name: 'Bo, Jr.', score: '10' },
    ]);
  });

  test('defaults to the first row as header', () => {
    expect(parse('a\n1\n', { InputType: 'CSV' })).toEqual([{ a: '1' }]);
  });

  test('uses CSVHeaders when the header location is GIVEN, the first row being data', () => {
    expect(parse('1,2\n3,4\n', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['x', 'y'] })).toEqual([
      { x: '1', y: '2' },
      { x: '3', y: '4' },
    ]);
  });

  test('gives "" to missing columns and drops extra fields, as AWS documents', () => {
    expect(parse('a,b,c\n1\n1,2,3,4,5\n', { InputType: 'CSV' })).toEqual([
      { a: '1', b: '', c: '' },
      { a: '1', b: '2', c: '3' },
    ]);
  });

  test('reads quoted fields holding commas, newlines and quotes', () => {
    expect(parse('k,v\n"a,b","x\r\ny ""z"""\n', { InputType: 'CSV' })).toEqual([{ k: 'a,b', v: 'x\r\ny "z"' }]);
  });

  test('reads every CSVDelimiter', () => {
    expect(
      (['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'] as const).map((d) =>
        parse(`a${{ COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' }[d]}b\n1,2|3;4 5\t6\n`, {
          InputType: 'CSV',
          CSVDelimiter: d,
        }),
      ),
    ).toEqual([
      [{ a: '1', b: '2|3;4 5\t6' }],
      [{ a: '1,2', b: '3;4 5\t6' }],
      [{ a: '1,2|3', b: '4 5\t6' }],
      [{ a: '1,2|3;4', b: '5\t6' }],
      [{ a: '1,2|3;4 5', b: '6' }],
    ]);
  });

  test('makes a column named __proto__ an own property', () => {
    const [item] = parse('__proto__,b\n1,2\n', { InputType: 'CSV' }) as Record<string, string>[];
    expect([Object.getPrototypeOf(item) === Object.prototype, JSON.stringify(item)]).toEqual([
      true,
      '{"__proto__":"1","b":"2"}',
    ]);
  });

  test('stops at MaxItems after the header', () => {
    expect(parse('a\n1\n2\n3\n', { InputType: 'CSV' }, 2)).toEqual([{ a: '1' }, { a: '2' }]);
  });

  test('yields nothing for an empty file or a header alone', () => {
    expect([parse('', { InputType: 'CSV' }), parse('a,b\n', { InputType: 'CSV' })]).toEqual([[], []]);
  });

  test('fails when the header row passes 10 KiB, even before a newline', () => {
    const cause = 'The CSV header of s3://bucket/key is larger than the limit of 10240 bytes';
    expect([
      failure(() => parse(`${'h,'.repeat(5200)}x\n1\n`, { InputType: 'CSV' })),
      failure(() => parse(','.repeat(20_000_000), { InputType: 'CSV' })),
    ]).toEqual([
      { error: 'States.ItemReaderFailed', cause },
      { error: 'States.ItemReaderFailed', cause },
    ]);
  });

  test('fails when a record passes the item bound', () => {
    expect(
      failure(() => parse(`a\n"${'x'.repeat(100)}"\n`, { InputType: 'CSV' }, undefined, { maxItemChars: 50 })),
    ).toEqual({
      error: 'States.ItemReaderFailed',
      cause: "A CSV record of s3://bucket/key is longer than Stepflow's limit of 50 characters",
    });
  });
});

describe('parseItems: bounds', () => {
  test('fails when the object passes the byte bound', () => {
    expect(failure(() => parse('[1,2,3,4]', { InputType: 'JSON' }, undefined, { maxSourceBytes: 8 }))).toEqual({
      error: 'States.ItemReaderFailed',
      cause: "s3://bucket/key is larger than Stepflow's limit of 8 bytes for an ItemReader source",
    });
  });

  test('fails when the items pass the item-count bound without MaxItems, and not with it', () => {
    const body = '1\n2\n3\n4\n';
    expect([
      failure(() => parse(body, { InputType: 'JSONL' }, undefined, { maxItems: 3 })),
      parse(body, { InputType: 'JSONL' }, 3, { maxItems: 3 }),
    ]).toEqual([
      {
        error: 'States.ItemReaderFailed',
        cause: "s3://bucket/key holds more than Stepflow's limit of 3 items; set ReaderConfig.MaxItems to read fewer",
      },
      [1, 2, 3],
    ]);
  });

  test('counts bytes, not characters, of text input', () => {
    expect(failure(() => parse('["€€"]', { InputType: 'JSON' }, undefined, { maxSourceBytes: 9 })).cause).toBe(
      "s3://bucket/key is larger than Stepflow's limit of 9 bytes for an ItemReader source",
    );
  });
});

describe('itemParseConfig', () => {
  test('refuses what it cannot read, with the reason', () => {
    expect(
      [
        undefined,
        { InputType: 'PARQUET' as const },
        { InputType: 'MANIFEST' as const },
        { InputType: 'JSON' as const, CSVHeaderLocation: 'FIRST_ROW' as const },
        { InputType: 'JSONL' as const, CSVDelimiter: 'PIPE' as const },
        { InputType: 'CSV' as const, ItemsPointer: '/a' },
        { InputType: 'CSV' as const, CSVHeaderLocation: 'GIVEN' as const },
        { InputType: 'CSV' as const, CSVHeaders: ['a'] },
      ].map((config) => failure(() => itemParseConfig(config)).cause),
    ).toEqual([
      "ReaderConfig needs 'InputType' to read an object",
      'InputType PARQUET is not supported by Stepflow; use JSON, JSONL or CSV',
      'InputType MANIFEST is not supported by Stepflow; use JSON, JSONL or CSV',
      'CSVHeaderLocation and CSVHeaders apply only to InputType CSV, not JSON',
      'CSVDelimiter applies only to InputType CSV, not JSONL',
      'ItemsPointer applies only to InputType JSON, not CSV',
      "CSVHeaderLocation GIVEN needs a non-empty 'CSVHeaders'",
      'CSVHeaders may be set only when CSVHeaderLocation is GIVEN',
    ]);
  });
});

describe('resolveMaxItems', () => {
  test('reads MaxItems or the MaxItemsPath value; 0 means all; clips to 100,000,000', () => {
    const read = (value: unknown) => () => value;
    expect([
      resolveMaxItems(undefined),
      resolveMaxItems({ MaxItems: 5 }),
      resolveMaxItems({ MaxItems: 0 }),
      resolveMaxItems({ MaxItems: 200_000_000 }),
      resolveMaxItems({ MaxItemsPath: '$.n' }, read(7)),
      resolveMaxItems({ MaxItemsPath: '$.n' }, read('12')),
    ]).toEqual([undefined, 5, undefined, 100_000_000, 7, 12]);
  });

  test('fails with States.Runtime when the path value is not a non-negative integer', () => {
    expect([
      failure(() => resolveMaxItems({ MaxItemsPath: '$.n' }, () => 1.5)),
      failure(() => resolveMaxItems({ MaxItemsPath: '$.n' }, () => 'many')),
      failure(() => resolveMaxItems({ MaxItemsPath: '$.n' }, () => -1)),
    ]).toEqual([
      {
        error: 'States.Runtime',
        cause: 'The MaxItemsPath field refers to value "1.5" which is not a valid integer: $.n',
      },
      {
        error: 'States.Runtime',
        cause: 'The MaxItemsPath field refers to value "many" which is not a valid integer: $.n',
      },
      {
        error: 'States.Runtime',
        cause: 'The MaxItemsPath field refers to value "-1" which is not a valid integer: $.n',
      },
    ]);
  });
});

describe('parseItems: size', () => {
  test('reads a JSON array of 1,000,000 items (the default item bound) without overflowing the stack', () => {
    const items = parse(`[${'0,'.repeat(999_999)}0]`, { InputType: 'JSON' });
    expect([items.length, items[999_999]]).toEqual([1_000_000, 0]);
  });
});
