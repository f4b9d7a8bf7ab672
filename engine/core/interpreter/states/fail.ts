import { StatesError } from '../../errors';
import type { StateRunner } from '../pipeline';

/**
 * Fail: stops the execution (or branch) with `Error`/`Cause` (or `ErrorPath`/`CausePath`); in
 * JSONata, `Error` and `Cause` may be `{% %}` expressions that must return strings.
 */
export const failRunner: StateRunner<{ error: string; cause: string }> = {
  prepare: (io) => io.flow.failure(io.e),
  act(_io, failure) {
    throw new StatesError(failure.error, failure.cause);
  },
};
