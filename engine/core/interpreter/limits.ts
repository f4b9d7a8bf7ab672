import { StatesError, StatesErrors } from '../errors';

/** Step Functions' limit on a state's input or output: 256 KiB of UTF-8 JSON. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** UTF-8 size of a JSON value as serialised in history events. */
export function payloadBytes(text: string): number {
  // Counted, not encoded: a lone surrogate is 3 bytes (U+FFFD), a surrogate pair 4, as TextEncoder writes them.
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
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
 * Fails the state with `States.DataLimitExceeded` when its output (already serialised as
 * `text`) is over MAX_PAYLOAD_BYTES, with the cause AWS records.
 */
export function checkPayloadSize(stateName: string, text: string): void {
  // Only a long text can be over the limit in UTF-8 (at most 3 bytes per UTF-16 unit).
  if (text.length * 3 <= MAX_PAYLOAD_BYTES || payloadBytes(text) <= MAX_PAYLOAD_BYTES) return;
  throw new StatesError(
    StatesErrors.DataLimitExceeded,
    `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}
