import { StatesError, StatesErrors } from '../errors';

/** Step Functions' limit on a state's input or output: 256 KiB of UTF-8 JSON. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** UTF-8 size of a JSON value as serialised in history events. */
export function payloadBytes(text: string): number {
  return new TextEncoder().encode(text).length;
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
