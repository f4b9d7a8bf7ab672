import { StatesError, StatesErrors } from '../errors';

/** Step Functions' limit on one variable's value: 256 KiB of UTF-8 JSON. */
export const MAX_VARIABLE_BYTES = 256 * 1024;
/** Step Functions' limit on all the values one `Assign` sets together. */
export const MAX_ASSIGN_BYTES = 256 * 1024;
/** Step Functions' limit on the variables stored for one execution. */
export const MAX_EXECUTION_VARIABLE_BYTES = 10 * 1024 * 1024;

/** UTF-8 size of a JSON text. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Checks one `Assign`'s values (already serialised, by name) against MAX_VARIABLE_BYTES and
 * MAX_ASSIGN_BYTES; the state fails with `States.DataLimitExceeded` otherwise.
 */
export function checkAssignSize(stateName: string, serialised: Record<string, string>): void {
  let total = 0;
  for (const [name, text] of Object.entries(serialised)) {
    const bytes = text.length <= MAX_VARIABLE_BYTES / 3 ? text.length : utf8Bytes(text);
    if (bytes > MAX_VARIABLE_BYTES) {
      throw new StatesError(
        StatesErrors.DataLimitExceeded,
        `The variable '${name}' assigned by the state '${stateName}' has a size exceeding the maximum number of bytes service limit.`,
      );
    }
    total += bytes;
  }
  if (total > MAX_ASSIGN_BYTES) {
    throw new StatesError(
      StatesErrors.DataLimitExceeded,
      `The variables assigned by the state '${stateName}' have a total size exceeding the maximum number of bytes service limit.`,
    );
  }
}
