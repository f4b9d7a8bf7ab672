import { StatesError, StatesErrors } from '../errors';

/** Step Functions' limit on a state's input or output: 256 KiB of UTF-8 JSON. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** A UTF-16 unit that is not ASCII (one that takes more than one byte in UTF-8). */
const NON_ASCII = /[\u0080-\uffff]/;

/** UTF-8 size of a JSON value as serialised in history events. */
export function payloadBytes(text: string): number {
  // Counted, not encoded: a lone surrogate is 3 bytes (U+FFFD), a surrogate pair 4, as TextEncoder writes them.
  // The regular expression finds the first non-ASCII unit far faster than the loop below
  // (a 200 KiB output took most of a state's time); every unit before it is one byte.
  const first = text.search(NON_ASCII);
  if (first < 0) return text.length;
  let bytes = text.length;
  for (let i = first; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit <= 0xdbff && unit >= 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Payload objects already found within MAX_PAYLOAD_BYTES: the interpreter never changes a value
 * once built, so its text (history.ts `payloadText`) and size never change either, and a large
 * output is usually the output of the next states too (a Task's no-op, a Choice).
 */
const WITHIN_LIMIT = new WeakSet<object>();

/**
 * Fails the state with `States.DataLimitExceeded` when its output (already serialised as
 * `text`) is over MAX_PAYLOAD_BYTES, with the cause AWS records. `value` is the output itself,
 * when the caller has it: a value found within the limit once is not counted again.
 */
export function checkPayloadSize(stateName: string, text: string, value?: unknown): void {
  // Only a long text can be over the limit in UTF-8 (at most 3 bytes per UTF-16 unit).
  if (text.length * 3 <= MAX_PAYLOAD_BYTES) return;
  const object = typeof value === 'object' && value !== null ? value : undefined;
  if (object && WITHIN_LIMIT.has(object)) return;
  if (payloadBytes(text) <= MAX_PAYLOAD_BYTES) {
    if (object) WITHIN_LIMIT.add(object);
    return;
  }
  throw new StatesError(
    StatesErrors.DataLimitExceeded,
    `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}
