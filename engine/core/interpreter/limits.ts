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
 * Members of payload objects found to have ASCII JSON: the copy ResultPath or Assign makes of
 * an object shares its members, so the copy is checked without walking them again.
 */
const ASCII_MEMBERS = new WeakSet<object>();

function asciiString(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * True when JSON.stringify can write nothing but ASCII for `value`: every string and member name
 * it reaches is ASCII and no object has a `toJSON` (everything else JSON writes is ASCII, a lone
 * surrogate included). False when unsure. An object's members in `known` are not walked.
 */
function asciiJson(value: unknown, known?: WeakSet<object>): boolean {
  if (typeof value === 'string') return asciiString(value);
  if (typeof value !== 'object' || value === null) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!asciiJson(value[i])) return false;
    return true;
  }
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (!asciiString(key) || !(known?.has(member as object) || asciiJson(member))) return false;
  }
  return true;
}

/**
 * The UTF-8 size of a payload's text. Walking the value is cheaper than reading a long text
 * JSON.stringify just made: V8 first copies the text into one string, and past 128 KiB that
 * string is allocated on pages of its own (about 1.5 ms for 200 KiB on Node 20).
 */
function payloadTextBytes(text: string, object: object | undefined): number {
  if (!object || !asciiJson(object, ASCII_MEMBERS)) return payloadBytes(text);
  if (!Array.isArray(object))
    for (const member of Object.values(object))
      if (typeof member === 'object' && member !== null) ASCII_MEMBERS.add(member);
  return text.length;
}

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
  if (payloadTextBytes(text, object) <= MAX_PAYLOAD_BYTES) {
    if (object) WITHIN_LIMIT.add(object);
    return;
  }
  throw new StatesError(
    StatesErrors.DataLimitExceeded,
    `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}
