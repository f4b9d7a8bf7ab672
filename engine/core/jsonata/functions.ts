import { hashHex, HASH_ALGORITHMS, uuidV4 } from '../intrinsics/encoding';
import { jsonTextDepth, MAX_JSON_DEPTH } from '../intrinsics/json-depth';
import { compileExpression } from './parse';

/** `$range` returns at most this many numbers (as `States.ArrayRange` does). */
export const MAX_RANGE_ITEMS = 1000;

/** A failure inside one of the Step Functions functions, reported like a JSONata error. */
export class FunctionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** What the functions need from the interpreter host: its clock and its random source. */
export interface FunctionHost {
  now(): number;
  random(): number;
}

/** A sequence as JSONata makes them: a singleton sequence is unwrapped to its only item. */
function sequence(items: unknown[]): unknown[] {
  return Object.assign(items, { sequence: true });
}

function integer(value: unknown, fn: string, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FunctionError('D3001', `Argument '${argument}' of function $${fn} must be a number`);
  }
  // Step Functions rounds integer parameters down.
  return Math.floor(value);
}

const MULTIPLIER = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;

/** `java.util.Random(seed).nextDouble()`: a seeded `$random(seed)` depends on the seed alone. */
export function javaSeededNextDouble(seed: number): number {
  let state = (BigInt(Math.floor(seed)) ^ MULTIPLIER) & MASK_48;
  const next = (bits: number): number => {
    state = (state * MULTIPLIER + 0xbn) & MASK_48;
    return Number(state >> BigInt(48 - bits));
  };
  return (next(26) * 2 ** 27 + next(27)) * 2 ** -53;
}

/** `$partition(array, size)`: consecutive chunks of `size` items (the last may be shorter). */
function partition(array: unknown, size: unknown): unknown[][] {
  const items = Array.isArray(array) ? [...array] : array === undefined ? [] : [array];
  const n = integer(size, 'partition', 'size');
  if (n <= 0) throw new FunctionError('D3002', "Argument 'size' of function $partition must be a positive integer");
  const chunks: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) chunks.push(items.slice(i, i + n));
  return chunks;
}

/** `$range(start, end, step)`: integers from `start` to `end` inclusive, `step` apart. */
function range(start: unknown, end: unknown, step: unknown = 1): unknown[] {
  const [from, to, by] = [
    integer(start, 'range', 'start'),
    integer(end, 'range', 'end'),
    integer(step, 'range', 'step'),
  ];
  if (by === 0) throw new FunctionError('D3003', "Argument 'step' of function $range must not be 0");
  const count = Math.max(0, Math.floor((to - from) / by) + 1);
  if (count > MAX_RANGE_ITEMS) {
    throw new FunctionError(
      'D3004',
      `The function $range may return at most ${MAX_RANGE_ITEMS} items, but would return ${count}`,
    );
  }
  return sequence(Array.from({ length: count }, (_, i) => from + i * by));
}

/** `$hash(text, algorithm)`: hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512. */
function hash(text: unknown, algorithm: unknown): string {
  if (typeof text !== 'string') throw new FunctionError('D3005', "Argument 'data' of function $hash must be a string");
  if (typeof algorithm !== 'string' || !(algorithm in HASH_ALGORITHMS)) {
    const allowed = Object.keys(HASH_ALGORITHMS).join(', ');
    throw new FunctionError('D3006', `Argument 'algorithm' of function $hash must be one of ${allowed}`);
  }
  return hashHex(algorithm, text);
}

/** `$parse(text)`: the JSON value `text` holds. */
function parse(text: unknown): unknown {
  if (typeof text !== 'string') throw new FunctionError('D3007', "Argument 'json' of function $parse must be a string");
  if (jsonTextDepth(text) > MAX_JSON_DEPTH) {
    throw new FunctionError('D3009', `The function $parse refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FunctionError(
      'D3008',
      `The function $parse could not parse its argument as JSON: ${(err as Error).message}`,
    );
  }
}

const FROM_MILLIS = '$fromMillis($ms, $picture, $timezone)';

/**
 * The functions Step Functions adds to JSONata, and the ones it changes, as evaluation bindings:
 * `$partition`, `$range`, `$hash`, `$random([seed])`, `$uuid`, `$parse`; `$now`/`$millis` read
 * the host clock once per evaluation (`nowMs`), so replays see the same time; `$eval` does not
 * exist (calling it fails with T1006, as any non-function does).
 */
export function stepFunctionsBindings(host: FunctionHost, nowMs: number): Record<string, unknown> {
  return {
    partition,
    range,
    hash,
    parse,
    random: (seed?: unknown) =>
      seed === undefined ? host.random() : javaSeededNextDouble(integer(seed, 'random', 'seed')),
    uuid: () => uuidV4(() => host.random()),
    millis: () => nowMs,
    now: (picture?: unknown, timezone?: unknown) =>
      compileExpression(FROM_MILLIS).evaluate(null, { ms: nowMs, picture, timezone }) as Promise<unknown>,
    eval: undefined,
  };
}
