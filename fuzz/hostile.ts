import fc from 'fast-check';

/**
 * Hostile values and mutations a caller may send: deep nesting, huge strings, wrong types,
 * prototype keys, awkward unicode, nulls. Sizes stay below the API's 2 MiB body limit unless a
 * mutation is about the limit itself.
 */

/** Keys that reach inherited properties when a lookup is not restricted to own properties. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Text that breaks stores, parsers and renderers: NUL, lone surrogates, BOM, RTL, astral, escapes. */
export const AWKWARD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u202e',
  '😀',
  '\u{10ffff}',
  'é'.normalize('NFD'),
  '\\',
  '"',
  "'",
  '%',
  '%00',
  '%zz',
  '../../etc/passwd',
  '$',
  '$.',
  '$$',
  '$[',
  '{%',
  '{% %}',
  '{% $x %}',
  'States.Format(',
  'null',
  'NaN',
  '-1',
  '1e400',
  '0x10',
  'true',
  '[]',
  '{}',
  '\r\n',
  '<script>',
  "' OR 1=1 --",
];

const HUGE_TAG = '\u0000fuzz-huge';

/**
 * A placeholder for a string of `size` characters (ASCII or multi-byte): cases stay small to
 * keep, print and shrink; `materialize` and `jsonText` write the string out.
 */
export function hugeString(size: number, unit: 'ascii' | 'multibyte' = 'ascii'): unknown {
  return { [HUGE_TAG]: { size, unit } };
}

function hugeOf(value: unknown): { size: number; unit: string } | undefined {
  return value !== null && typeof value === 'object' && HUGE_TAG in value
    ? ((value as Record<string, unknown>)[HUGE_TAG] as { size: number; unit: string })
    : undefined;
}

/**
 * A placeholder for `depth` arrays or objects nested in one another. Cases hold the placeholder
 * (small to print, clone and shrink); `materialize` and `jsonText` build the real thing.
 */
export interface Deep {
  readonly deep: number;
  readonly kind: 'array' | 'object';
}
const DEEP_TAG = '\u0000fuzz-deep';

/** The placeholder of a deep value (see {@link Deep}). */
export function deepValue(depth: number, kind: 'array' | 'object'): unknown {
  return { [DEEP_TAG]: { deep: depth, kind } };
}

function deepOf(value: unknown): Deep | undefined {
  return value !== null && typeof value === 'object' && DEEP_TAG in value
    ? ((value as Record<string, unknown>)[DEEP_TAG] as Deep)
    : undefined;
}

/** The value with every deep placeholder replaced by the nested value it stands for. */
export function materialize(value: unknown): unknown {
  const huge = hugeOf(value);
  if (huge) return (huge.unit === 'ascii' ? 'a' : 'é').repeat(huge.size);
  const deep = deepOf(value);
  if (deep) {
    let built: unknown = 1;
    for (let i = 0; i < deep.deep; i++) built = deep.kind === 'array' ? [built] : { a: built };
    return built;
  }
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: materialize(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** JSON text of a value, deep placeholders written out as nested text (no recursion in JSON.stringify). */
export function jsonText(value: unknown): string {
  const texts: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const huge = hugeOf(v);
    if (huge) return (huge.unit === 'ascii' ? 'a' : 'é').repeat(huge.size);
    const deep = deepOf(v);
    if (!deep) return v;
    texts.push(deepJsonText(deep.deep, deep.kind));
    return `\u0001deep${texts.length - 1}\u0001`;
  });
  if (text === undefined) return 'null';
  return texts.length === 0
    ? text
    : text.replace(/"\\u0001deep(\d+)\\u0001"/g, (_m, i: string) => texts[Number(i)] as string);
}

/** `depth` arrays or objects nested in one another, as JSON text (so building it costs no recursion). */
export function deepJsonText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A value of the wrong type for almost any field. */
export const wrongType: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 63),
  1e308,
  '',
  'x',
  [],
  [null],
  {},
  { a: 1 },
  [[[]]],
);

/** An object with prototype keys as own members (as JSON.parse makes them). */
export const prototypeObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.subarray(PROTOTYPE_KEYS, { minLength: 1 }),
    fc.constantFrom<unknown>({}, { polluted: true }, null, 'x', 1, []),
  )
  .map(
    ([keys, value]) =>
      JSON.parse(`{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(value)}`).join(',')}}`) as Record<
        string,
        unknown
      >,
  );

/** One hostile value: anything a careless handler could choke on. Huge and deep values are kept as JSON text by callers that need them raw. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: wrongType, weight: 4 },
  { arbitrary: fc.constantFrom(...AWKWARD_STRINGS), weight: 4 },
  { arbitrary: prototypeObject, weight: 2 },
  { arbitrary: fc.constantFrom(1000, 5000, 20_000).map((depth) => deepValue(depth, 'array')), weight: 1 },
  { arbitrary: fc.constantFrom(1000, 5000, 20_000).map((depth) => deepValue(depth, 'object')), weight: 1 },
  { arbitrary: fc.constantFrom(300, 70_000, 300_000, 1_100_000).map((size) => hugeString(size)), weight: 1 },
  { arbitrary: fc.constantFrom(100_000, 600_000).map((size) => hugeString(size, 'multibyte')), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
);

/** Text that is not valid JSON, or is JSON of a kind the receiver may not expect. */
export const badJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":NaN}',
    '{"a":Infinity}',
    '\ufeff{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    'null',
    '[]',
    '1',
    '"text"',
    'true',
    '{}{}',
    ' ',
    '{"a":1e999}',
    '{"a":-0}',
    '{"a":12345678901234567890123}',
  ),
  fc
    .constantFrom(1000, 5000, 10_000, 100_000)
    .chain((depth) => fc.constantFrom(deepJsonText(depth, 'array'), deepJsonText(depth, 'object'))),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** JSON text of a case for the report: deep and huge placeholders shown as `<…>` so it stays readable. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const huge = hugeOf(v);
    if (huge) return `<${huge.size} × '${huge.unit === 'ascii' ? 'a' : 'é'}'>`;
    const deep = deepOf(v);
    return deep ? `<${deep.deep} nested ${deep.kind}s>` : v;
  });
  return text ?? String(value);
}
