import type { StateRunner } from '../pipeline';

/**
 * Wait: a durable timer of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath` (JSONata:
 * `Seconds`/`Timestamp`, literal or `{% %}`); the effective input passes through.
 */
export const waitRunner: StateRunner<number> = {
  spec: { passThrough: true },
  prepare: (io) => io.flow.waitMs(io.e, io.effective),
  act(io, ms) {
    io.sleepMs = ms;
    return io.effective;
  },
};
