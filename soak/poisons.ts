/**
 * Poison executions, run beside the workload: each one attacks the worker that runs it (see
 * issue 15, "No poison execution"). A contained poison ends FAILED (or TIMED_OUT) by itself and
 * harms no other execution; the soak reports what each one did.
 */
export interface Poison {
  name: string;
  definition: Record<string, unknown>;
  input(dir: string): Record<string, unknown>;
}

const DEPTH = 10_000;

/** The poisons the soak knows, by name (`--poison a,b`). */
export const POISONS: Record<string, Poison> = {
  /** Catastrophic backtracking in a JSONata regular expression. */
  redos: {
    name: 'redos',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Match',
      States: { Match: { Type: 'Pass', Output: '{% $match($states.input.s, /(a+)+$/) %}', End: true } },
    },
    input: () => ({ s: `${'a'.repeat(40)}!` }),
  },
  /** A Map over 100,000 items built by a JSONata range, without a concurrency bound. */
  'huge-map': {
    name: 'huge-map',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% [1..100000] %}',
          MaxConcurrency: 0,
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    input: () => ({}),
  },
  /** `States.StringToJson` of a string nested 10,000 deep. */
  'deep-json': {
    name: 'deep-json',
    definition: {
      StartAt: 'Parse',
      States: { Parse: { Type: 'Pass', Parameters: { 'parsed.$': 'States.StringToJson($.s)' }, End: true } },
    },
    input: () => ({ s: `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}` }),
  },
  /** A function that busy-loops for 30 s, far past its Task's 5 s `TimeoutSeconds`. */
  'busy-loop': {
    name: 'busy-loop',
    definition: {
      StartAt: 'Spin',
      States: {
        Spin: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:soak-spin',
          Parameters: { 'dir.$': '$.dir', seconds: 30 },
          TimeoutSeconds: 5,
          End: true,
        },
      },
    },
    input: (dir) => ({ dir }),
  },
};
