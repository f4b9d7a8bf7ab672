import type { StateRunner } from '../pipeline';

/** Succeed: ends the (sub-)machine with its effective input (JSONPath) or its `Output` (JSONata). */
export const succeedRunner: StateRunner = {
  spec: { passThrough: true, noAssign: true },
  act: (io) => io.effective,
};
