import type { StateRunner } from '../pipeline';

/**
 * Pass: JSONPath — `Result`, or `Parameters` applied to the effective input, as the result;
 * JSONata — the input (its `Output` and `Assign` are the pipeline's).
 */
export const passRunner: StateRunner = {
  parameters: true,
  act: (io) => ('Result' in io.e.state ? io.e.state.Result : io.params),
};
