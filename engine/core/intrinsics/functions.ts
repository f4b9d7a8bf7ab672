import { StatesError, StatesErrors } from '../errors';
import { jsonEquals } from '../jsonpath';
import { base64Decode, base64Encode, HASH_ALGORITHMS, hashHex, javaSeededNextInt, uuidV4 } from './encoding';
import { jsonTextDepth, MAX_JSON_DEPTH } from './json-depth';
import type { IntrinsicName } from './signatures';

/** "States.ArrayRange" may produce at most this many items. */
export const MAX_ARRAY_RANGE_ITEMS = 1000;
/** Base64Encode/Base64Decode/Hash accept inputs of at most this many characters. */
export const MAX_ENCODING_INPUT_CHARS = 10000;
/**
 * Longest string `States.Format` and `States.JsonToString` may build, in UTF-16 code units (the
 * same bound JSONata strings have): a template repeating a large payload cannot allocate gigabytes
 * inside a workflow task. Checked while the string grows, before it is materialised.
 */
export const MAX_INTRINSIC_STRING_CHARS = 4 * 1024 * 1024;
/** MathAdd operands (and MathRandom bounds) must fit a Java int. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Sources of non-determinism, passed in so that workflow code stays replayable. */
export interface IntrinsicEnv {
  /** Uniform in [0, 1), e.g. the workflow's seeded Math.random. */
  random: () => number;
}

/** Arguments after evaluation; `formatTemplate` is the first argument's raw text for States.Format. */
export interface EvaluatedArgs {
  values: unknown[];
  formatTemplate?: string;
}

/** A `States.IntrinsicFailure` with AWS's shape of cause. */
export function intrinsicFailure(name: IntrinsicName, reason: string): StatesError {
  return new StatesError(StatesErrors.IntrinsicFailure, `The intrinsic function ${name} failed: ${reason}`);
}

/** Java's rounding (Math.round: half up), which AWS applies to integer arguments given as decimals. */
const toInt = (value: unknown): number => Math.round(value as number);

/** How States.Format renders a value: strings as-is, JSON containers in Java's Map/List toString shape. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

function format(template: string, values: unknown[]): string {
  let out = '';
  let used = 0;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === '\\') {
      i++;
      if (i >= template.length) throw intrinsicFailure('States.Format', 'the template ends with a lone backslash');
      out += template[i];
    } else if (char === '{' && template[i + 1] === '}') {
      if (used >= values.length)
        throw intrinsicFailure('States.Format', 'the template has more {} placeholders than values');
      out += formatValue(values[used++]);
      i++;
      if (out.length > MAX_INTRINSIC_STRING_CHARS) {
        throw intrinsicFailure(
          'States.Format',
          `the result would be longer than ${MAX_INTRINSIC_STRING_CHARS} characters`,
        );
      }
    } else {
      out += char;
    }
  }
  if (used !== values.length)
    throw intrinsicFailure('States.Format', 'the template has fewer {} placeholders than values');
  return out;
}

function range(start: number, end: number, step: number): number[] {
  if (step === 0) throw intrinsicFailure('States.ArrayRange', 'the step must not be 0');
  const count = Math.sign(end - start) === -Math.sign(step) ? 0 : Math.floor((end - start) / step) + 1;
  if (count > MAX_ARRAY_RANGE_ITEMS) {
    throw intrinsicFailure(
      'States.ArrayRange',
      `the result would have ${count} items; at most ${MAX_ARRAY_RANGE_ITEMS} are allowed`,
    );
  }
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function limitLength(name: IntrinsicName, text: string): string {
  if (text.length > MAX_ENCODING_INPUT_CHARS) {
    throw intrinsicFailure(
      name,
      `the input has ${text.length} characters; at most ${MAX_ENCODING_INPUT_CHARS} are allowed`,
    );
  }
  return text;
}

function int32(name: IntrinsicName, value: unknown): number {
  const n = toInt(value);
  if (n < INT32_MIN || n > INT32_MAX) throw intrinsicFailure(name, `${value} is outside the integer range`);
  return n;
}

type Impl = (args: EvaluatedArgs, env: IntrinsicEnv) => unknown;

/** The implementation of each intrinsic, given arguments already checked against SIGNATURES. */
export const IMPLEMENTATIONS: Record<IntrinsicName, Impl> = {
  'States.Format': ({ values, formatTemplate }) => format(formatTemplate ?? (values[0] as string), values.slice(1)),
  'States.StringToJson': ({ values: [text] }) => {
    if (jsonTextDepth(text as string) > MAX_JSON_DEPTH) {
      throw intrinsicFailure('States.StringToJson', `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    try {
      return JSON.parse(text as string);
    } catch {
      throw intrinsicFailure('States.StringToJson', `the string is not valid JSON: ${JSON.stringify(text)}`);
    }
  },
  'States.JsonToString': ({ values: [value] }) => {
    const text = JSON.stringify(value);
    if (text.length > MAX_INTRINSIC_STRING_CHARS) {
      throw intrinsicFailure(
        'States.JsonToString',
        `the result would be longer than ${MAX_INTRINSIC_STRING_CHARS} characters`,
      );
    }
    return text;
  },
  'States.Array': ({ values }) => values,
  'States.ArrayPartition': ({ values: [array, size] }) => {
    const chunk = toInt(size);
    if (chunk <= 0)
      throw intrinsicFailure('States.ArrayPartition', `the chunk size must be a positive integer, but was ${size}`);
    const items = array as unknown[];
    return Array.from({ length: Math.ceil(items.length / chunk) }, (_, i) => items.slice(i * chunk, (i + 1) * chunk));
  },
  'States.ArrayContains': ({ values: [array, item] }) => (array as unknown[]).some((v) => jsonEquals(v, item)),
  'States.ArrayRange': ({ values: [start, end, step] }) => range(toInt(start), toInt(end), toInt(step)),
  'States.ArrayGetItem': ({ values: [array, index] }) => {
    const items = array as unknown[];
    const i = toInt(index);
    if (i < 0 || i >= items.length) {
      throw intrinsicFailure(
        'States.ArrayGetItem',
        `index ${index} is out of bounds for an array of length ${items.length}`,
      );
    }
    return items[i];
  },
  'States.ArrayLength': ({ values: [array] }) => (array as unknown[]).length,
  'States.ArrayUnique': ({ values: [array] }) =>
    (array as unknown[]).filter((v, i, all) => all.findIndex((w) => jsonEquals(v, w)) === i),
  'States.Base64Encode': ({ values: [text] }) => base64Encode(limitLength('States.Base64Encode', text as string)),
  'States.Base64Decode': ({ values: [text] }) => {
    const decoded = base64Decode(limitLength('States.Base64Decode', text as string));
    if (decoded === undefined)
      throw intrinsicFailure('States.Base64Decode', `the input is not valid base64: ${JSON.stringify(text)}`);
    return decoded;
  },
  'States.Hash': ({ values: [text, algorithm] }) => {
    if (!Object.prototype.hasOwnProperty.call(HASH_ALGORITHMS, algorithm as string)) {
      const allowed = Object.keys(HASH_ALGORITHMS).join(', ');
      throw intrinsicFailure('States.Hash', `the algorithm ${JSON.stringify(algorithm)} is not one of ${allowed}`);
    }
    return hashHex(algorithm as string, limitLength('States.Hash', text as string));
  },
  'States.JsonMerge': ({ values: [left, right] }) => ({ ...(left as object), ...(right as object) }),
  'States.MathRandom': ({ values: [start, end, seed] }, env) => {
    const [low, high] = [int32('States.MathRandom', start), int32('States.MathRandom', end)];
    if (high <= low)
      throw intrinsicFailure('States.MathRandom', `the end (${end}) must be greater than the start (${start})`);
    if (seed !== undefined) return low + javaSeededNextInt(toInt(seed), high - low);
    return low + Math.floor(env.random() * (high - low));
  },
  'States.MathAdd': ({ values: [a, b] }) => int32('States.MathAdd', a) + int32('States.MathAdd', b),
  'States.StringSplit': ({ values: [text, delimiters] }) => {
    const separators = new Set(delimiters as string);
    const parts: string[] = [];
    let current = '';
    for (const char of text as string) {
      if (separators.has(char)) {
        parts.push(current);
        current = '';
      } else current += char;
    }
    parts.push(current);
    // Empty pieces are dropped, as AWS (a tokenizer) does for adjacent delimiters.
    return parts.filter((p) => p !== '');
  },
  'States.UUID': (_args, env) => uuidV4(env.random),
};
