import type { Random } from './random';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** What an execution of a workload must end with, derived from its input alone. */
export interface Expectation {
  status: 'SUCCEEDED' | 'FAILED';
  /** The output of a SUCCEEDED execution (deep equal). */
  output?: unknown;
  /** The error of a FAILED execution. */
  error?: string;
  /** Idempotent effects (`effects/<key>|<kind>` files) the execution must leave, exactly. */
  effects: number;
}

/** One kind of execution in the mixed workload. */
export interface Workload {
  name: string;
  /** Relative share of the executions. */
  weight: number;
  definition: Record<string, unknown>;
  input(random: Random, dir: string): Record<string, unknown>;
  expect(input: any): Expectation;
}

const effect = (value: string, ms = '$.ms') => ({
  Type: 'Task',
  Resource: fn('soak-effect'),
  Parameters: { 'dir.$': '$.dir', 'value.$': value, 'ms.$': ms },
});

/** Pass → Task → Choice → Task → Succeed. */
const chain: Workload = {
  name: 'chain',
  weight: 3,
  definition: {
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Pass',
        Parameters: { 'dir.$': '$.dir', 'value.$': '$.value', 'ms.$': '$.ms', stage: 'prepared' },
        Next: 'First',
      },
      First: { ...effect('$.value'), ResultPath: '$.first', Next: 'Parity' },
      Parity: {
        Type: 'Choice',
        Choices: [{ Variable: '$.value', NumericGreaterThanEquals: 50, Next: 'High' }],
        Default: 'Low',
      },
      High: { ...effect('$.first'), ResultSelector: { 'high.$': '$' }, ResultPath: '$.second', Next: 'Done' },
      Low: { ...effect('$.first'), ResultSelector: { 'low.$': '$' }, ResultPath: '$.second', Next: 'Done' },
      Done: { Type: 'Succeed', OutputPath: '$.second' },
    },
  },
  input: (random, dir) => ({ dir, value: random.int(0, 99), ms: random.int(0, 300) }),
  expect: (input) => ({
    status: 'SUCCEEDED',
    output: { [input.value >= 50 ? 'high' : 'low']: input.value * 4 },
    effects: 2,
  }),
};

/** Wait (durable timer) → Task. */
const wait: Workload = {
  name: 'wait',
  weight: 3,
  definition: {
    StartAt: 'Pause',
    States: {
      Pause: { Type: 'Wait', SecondsPath: '$.wait', Next: 'Act' },
      Act: { ...effect('$.value'), End: true },
    },
  },
  input: (random, dir) => ({ dir, value: random.int(0, 1000), ms: random.int(0, 200), wait: random.int(1, 6) }),
  expect: (input) => ({ status: 'SUCCEEDED', output: input.value * 2, effects: 1 }),
};

/** Inline Map, a Task per item. */
const map: Workload = {
  name: 'map',
  weight: 2,
  definition: {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 4,
        ItemSelector: { 'dir.$': '$.dir', 'value.$': '$$.Map.Item.Value', 'ms.$': '$.ms' },
        ItemProcessor: { StartAt: 'Item', States: { Item: { ...effect('$.value'), End: true } } },
        End: true,
      },
    },
  },
  input: (random, dir) => ({
    dir,
    ms: random.int(0, 200),
    items: Array.from({ length: random.int(2, 8) }, () => random.int(0, 100)),
  }),
  expect: (input) => ({
    status: 'SUCCEEDED',
    output: input.items.map((item: number) => item * 2),
    effects: input.items.length,
  }),
};

/** Parallel: three branches, one with a Wait. */
const parallel: Workload = {
  name: 'parallel',
  weight: 2,
  definition: {
    StartAt: 'Fork',
    States: {
      Fork: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { ...effect('$.value'), End: true } } },
          {
            StartAt: 'Nap',
            States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'B' }, B: { ...effect('$.value'), End: true } },
          },
          {
            StartAt: 'Shape',
            States: {
              Shape: {
                Type: 'Pass',
                Parameters: { 'dir.$': '$.dir', 'value.$': 'States.MathAdd($.value, 1)', 'ms.$': '$.ms' },
                Next: 'C',
              },
              C: { ...effect('$.value'), End: true },
            },
          },
        ],
        End: true,
      },
    },
  },
  input: (random, dir) => ({ dir, value: random.int(0, 100), ms: random.int(0, 200) }),
  expect: (input) => ({
    status: 'SUCCEEDED',
    output: [input.value * 2, input.value * 2, (input.value + 1) * 2],
    effects: 3,
  }),
};

/** `.waitForTaskToken`: the function hands the token over; the soak's responder answers it. */
const callback: Workload = {
  name: 'callback',
  weight: 2,
  definition: {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'soak-token',
          Payload: { 'dir.$': '$.dir', 'value.$': '$.value', 'token.$': '$$.Task.Token' },
        },
        HeartbeatSeconds: 600,
        End: true,
      },
    },
  },
  input: (random, dir) => ({ dir, value: random.int(0, 1000) }),
  expect: (input) => ({ status: 'SUCCEEDED', output: { approved: input.value }, effects: 1 }),
};

const compensated = (step: string, next: Record<string, unknown>) => ({
  ...effect('$.value'),
  ResultPath: `$.${step}`,
  Compensate: { Resource: fn('soak-undo'), Parameters: { 'dir.$': '$.input.dir', 'value.$': '$.result' } },
  ...next,
});

/** Saga: two compensated Tasks, then one that fails when `fail` is set (compensations run LIFO). */
const saga: Workload = {
  name: 'saga',
  weight: 2,
  definition: {
    StartAt: 'Reserve',
    States: {
      Reserve: compensated('reserved', { Next: 'Charge' }),
      Charge: compensated('charged', { Next: 'Ship' }),
      Ship: {
        Type: 'Task',
        Resource: fn('soak-flaky'),
        Parameters: {
          'dir.$': '$.dir',
          'value.$': '$.value',
          'failures.$': '$.failures',
          'attempt.$': '$$.State.RetryCount',
        },
        ResultPath: null,
        End: true,
      },
    },
  },
  input: (random, dir) => {
    const fail = random.next() < 0.5;
    return { dir, value: random.int(0, 100), ms: random.int(0, 100), failures: fail ? 99 : 0 };
  },
  expect: (input) =>
    input.failures > 0
      ? { status: 'FAILED', error: 'SoakFlaky', effects: 4 }
      : { status: 'SUCCEEDED', output: { ...input, reserved: input.value * 2, charged: input.value * 2 }, effects: 3 },
};

/** Retry with back-off, then Catch; a Choice sends a caught error of a `strict` run to Fail. */
const retry: Workload = {
  name: 'retry',
  weight: 2,
  definition: {
    StartAt: 'Try',
    States: {
      Try: {
        Type: 'Task',
        Resource: fn('soak-flaky'),
        Parameters: {
          'dir.$': '$.dir',
          'value.$': '$.value',
          'failures.$': '$.failures',
          'attempt.$': '$$.State.RetryCount',
        },
        ResultSelector: { 'ok.$': '$.ok' },
        ResultPath: '$.result',
        Retry: [{ ErrorEquals: ['SoakFlaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1.5 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }],
        Next: 'Done',
      },
      Caught: {
        Type: 'Choice',
        Choices: [{ Variable: '$.strict', BooleanEquals: true, Next: 'GiveUp' }],
        Default: 'Tolerated',
      },
      GiveUp: { Type: 'Fail', Error: 'SoakGaveUp', Cause: 'retries exhausted' },
      Tolerated: { Type: 'Pass', Parameters: { 'error.$': '$.caught.Error' }, End: true },
      Done: { Type: 'Pass', OutputPath: '$.result', End: true },
    },
  },
  input: (random, dir) => ({ dir, value: random.int(0, 100), failures: random.int(0, 3), strict: random.next() < 0.5 }),
  expect: (input) => {
    if (input.failures <= 2) return { status: 'SUCCEEDED', output: { ok: input.value }, effects: 1 };
    return input.strict
      ? { status: 'FAILED', error: 'SoakGaveUp', effects: 0 }
      : { status: 'SUCCEEDED', output: { error: 'SoakFlaky' }, effects: 0 };
  },
};

/** The mixed workload. */
export const WORKLOADS: readonly Workload[] = [chain, wait, map, parallel, callback, saga, retry];

/** A workload drawn by weight. */
export function drawWorkload(random: Random, workloads: readonly Workload[] = WORKLOADS): Workload {
  const total = workloads.reduce((sum, w) => sum + w.weight, 0);
  let at = random.next() * total;
  for (const workload of workloads) {
    at -= workload.weight;
    if (at < 0) return workload;
  }
  return workloads[workloads.length - 1] as Workload;
}
