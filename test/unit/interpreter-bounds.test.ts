import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../../engine/core/interpreter';
import {
  ACTIVATION_BUDGET,
  effectiveHistoryCap,
  MAX_CONCURRENT_BRANCHES,
  PACED_CONCURRENT_BRANCHES,
  MAX_INLINE_MAP_ITEMS,
  SYNC_STEPS_BEFORE_YIELD,
} from '../../engine/core/interpreter/bounds';
import type { MapRunRequest } from '../../engine/core/interpreter/map-run';
import type { MapRunHost } from '../../engine/core/interpreter/types';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import { MAX_MAP_RUN_ITEMS_BYTES } from '../../engine/core/interpreter/states/map-config';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:bounds:b1',
  name: 'b1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:bounds',
  stateMachineName: 'bounds',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/** A function that takes 1 ms of virtual time, so every invocation of a Map overlaps the others. */
const FUNCTIONS = {
  slow: async (payload: unknown, context: { sleep(ms: number): Promise<void> }) => (await context.sleep(1), payload),
};

function mapOf(
  items: string,
  processor: TopLevelMachine['States'][string],
  extra: Record<string, unknown> = {},
): TopLevelMachine {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        Items: items,
        MaxConcurrency: 0,
        ItemProcessor: { StartAt: 'P', States: { P: processor } },
        End: true,
        ...extra,
      },
    },
  };
}

const TASK = { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:slow', End: true };

/** Pass → Choice → Pass … forever. */
const LOOP: TopLevelMachine = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'End' }], Default: 'A' },
    End: { Type: 'Succeed' },
  },
};

async function run(machine: TopLevelMachine, host: MemoryHost, limits = {}) {
  const result = await runExecution(machine, {}, EXECUTION, host, { limits });
  return { ...result, events: [...host.written, ...result.pendingEvents] };
}

describe('branch budget', () => {
  test('runs at most MAX_CONCURRENT_BRANCHES Tasks at once when a Map of 2,500 asks for no limit', async () => {
    const host = new MemoryHost(FUNCTIONS);
    const { outcome } = await run(mapOf('{% [1..2500] %}', TASK), host);
    expect(MAX_CONCURRENT_BRANCHES).toBe(1000);
    expect(host.maxConcurrentInvocations).toBe(1000);
    expect(host.invocations).toHaveLength(2500);
    expect(outcome.status).toBe('SUCCEEDED');
    expect((outcome as { output: number[] }).output.slice(0, 3)).toEqual([1, 2, 3]);
  });

  test('gives a nested Map one lane once the budget is spent when 50 Maps of 50 run at once', async () => {
    const inner = {
      Type: 'Map',
      Items: '{% [1..50] %}',
      MaxConcurrency: 0,
      ItemProcessor: { StartAt: 'T', States: { T: TASK } },
      End: true,
    };
    const host = new MemoryHost(FUNCTIONS);
    const { outcome } = await run(mapOf('{% [1..50] %}', inner), host);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(host.invocations).toHaveLength(2500);
    // 50 outer lanes leave 950: 19 inner Maps get 50 lanes, the other 31 one each.
    expect(host.maxConcurrentInvocations).toBe(19 * 50 + 31);
  });

  test('respects MaxConcurrency when it is below the budget', async () => {
    const host = new MemoryHost(FUNCTIONS);
    await run(mapOf('{% [1..100] %}', TASK, { MaxConcurrency: 7 }), host);
    expect(host.maxConcurrentInvocations).toBe(7);
  });
});

describe('paced activations', () => {
  /** A host whose functions (taking `taskMs` of virtual time) note the clock (one value per activation) at which each invocation started. */
  function pacedHost(paces = true, taskMs = 50) {
    const startedAt: number[] = [];
    const host: MemoryHost = new MemoryHost(
      {
        slow: async (payload, context) => {
          startedAt.push(host.now());
          await context.sleep(taskMs);
          return payload;
        },
      },
      { pacesActivations: paces },
    );
    return { host, startedAt };
  }

  /** The most invocations started at one clock value (in one activation). */
  function busiestActivation(startedAt: number[]): number {
    const perClock = new Map<number, number>();
    for (const at of startedAt) perClock.set(at, (perClock.get(at) ?? 0) + 1);
    return Math.max(...perClock.values());
  }

  test('a Map of 2,000 Tasks keeps 500 in flight and starts at most ACTIVATION_BUDGET per activation', async () => {
    const { host, startedAt } = pacedHost();
    const { outcome, events } = await run(mapOf('{% [1..2000] %}', TASK), host);
    expect([PACED_CONCURRENT_BRANCHES, ACTIVATION_BUDGET]).toEqual([500, 50]);
    expect(outcome.status).toBe('SUCCEEDED');
    expect((outcome as { output: number[] }).output).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(host.invocations).toHaveLength(2000);
    expect(host.maxConcurrentInvocations).toBe(500);
    expect(busiestActivation(startedAt)).toBe(ACTIVATION_BUDGET);
    expect(host.yields).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(2000);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  test('an unpaced host starts the whole window of 1,000 in one activation', async () => {
    const { host, startedAt } = pacedHost(false, 1);
    const { outcome } = await run(mapOf('{% [1..2000] %}', TASK), host);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(host.maxConcurrentInvocations).toBe(MAX_CONCURRENT_BRANCHES);
    expect(busiestActivation(startedAt)).toBe(MAX_CONCURRENT_BRANCHES);
  });

  test('a Map asking for ACTIVATION_BUDGET lanes or fewer is not paced and never yields', async () => {
    const { host, startedAt } = pacedHost();
    await run(mapOf(`{% [1..${ACTIVATION_BUDGET * 3}] %}`, TASK, { MaxConcurrency: ACTIVATION_BUDGET }), host);
    expect(host.yields).toBe(0);
    expect(busiestActivation(startedAt)).toBe(ACTIVATION_BUDGET);
  });

  test('a paced Map whose iterations fail past tolerance still fails the Map as a whole', async () => {
    const host = new MemoryHost(
      {
        slow: async (payload: unknown, context: { sleep(ms: number): Promise<void> }) => {
          await context.sleep(1);
          if (payload === 700) throw Object.assign(new Error('bad item'), { name: 'Bad' });
          return payload;
        },
      },
      { pacesActivations: true },
    );
    const { outcome, events } = await run(mapOf('{% [1..1000] %}', TASK), host);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Bad' });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('ExecutionFailed');
  });
});

describe('inline Map items', () => {
  test(`fails with States.Runtime before any iteration when a Map has ${MAX_INLINE_MAP_ITEMS + 1} items`, async () => {
    const host = new MemoryHost(FUNCTIONS);
    const { outcome, events } = await run(mapOf('{% [1..40001] %}', TASK), host);
    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'M' (entered at the event id #2). The Map state has 40001 items; an inline Map iterates over at most 40000 (use a Distributed Map)",
    });
    expect(host.invocations).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed']);
  });

  test('iterates over exactly MAX_INLINE_MAP_ITEMS items', async () => {
    const host = new MemoryHost({});
    const { outcome } = await run(
      mapOf('{% [1..40000] %}', { Type: 'Pass', End: true }, { Output: '{% $count($states.result) %}' }),
      host,
    );
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 40000 });
  });
});

/** A host that runs Distributed Maps as Map Runs, answering `uncapped` as told; keeps the requests. */
function withMapRuns(host: MemoryHost, uncapped: boolean): MapRunRequest[] {
  const requests: MapRunRequest[] = [];
  const mapRuns: MapRunHost = {
    enabled: () => true,
    uncapped: () => uncapped,
    start: (request) => {
      requests.push(request);
      return Promise.resolve({ mapRunArn: request.mapRunArn, redriven: false });
    },
    wait: () => {
      const count = requests[requests.length - 1].inputs.length;
      return Promise.resolve({ status: 'SUCCEEDED', results: Array.from({ length: count }, (_, i) => i) });
    },
  };
  (host as { mapRuns?: MapRunHost }).mapRuns = mapRuns;
  return requests;
}

const DISTRIBUTED = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } };

function distributedMapOf(items: string, extra: Record<string, unknown> = {}): TopLevelMachine {
  const machine = mapOf(items, { Type: 'Pass', End: true }, { Output: '{% $count($states.result) %}', ...extra });
  const map = machine.States.M as unknown as { ItemProcessor: Record<string, unknown> };
  map.ItemProcessor = { ...map.ItemProcessor, ...DISTRIBUTED };
  return machine;
}

describe('Distributed Map items', () => {
  test('a Map Run takes 100,000 items, past the inline cap, batched into 1,000 children', async () => {
    const host = new MemoryHost({});
    const requests = withMapRuns(host, true);
    const { outcome } = await run(
      distributedMapOf('{% [0..99999] %}', { ItemBatcher: { MaxItemsPerBatch: 100 } }),
      host,
    );
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 1000 });
    expect(requests).toHaveLength(1);
    expect(requests[0].inputs).toHaveLength(1000);
    expect(requests[0].inputs[999]).toEqual({ Items: Array.from({ length: 100 }, (_, i) => 99_900 + i) });
  });

  test('an execution recorded when every Map was capped still fails past 40,000 items', async () => {
    const host = new MemoryHost({});
    const requests = withMapRuns(host, false);
    const { outcome } = await run(distributedMapOf('{% [1..40001] %}'), host);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(requests).toHaveLength(0);
  });

  test('refuses items past the inline cap that would not fit one activity input', async () => {
    const host = new MemoryHost({});
    const requests = withMapRuns(host, true);
    const items = Array.from({ length: 45_000 }, (_, i) => `item-${String(i).padStart(40, '0')}`);
    const { outcome } = await runExecution(distributedMapOf('{% $states.input.items %}'), { items }, EXECUTION, host);
    const bytes = JSON.stringify(items).length;
    expect(bytes).toBe(45_000 * 47 + 44_999 + 2); // 45 characters and 2 quotes each, commas, brackets
    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: `The Distributed Map's 45000 items take ${bytes} bytes; past 40000 items, items taken from the state input may take at most ${MAX_MAP_RUN_ITEMS_BYTES} bytes (read larger item sets with an ItemReader)`,
    });
    expect(requests).toHaveLength(0);
  });
});

describe('synchronous loops', () => {
  test('yields to the host every SYNC_STEPS_BEFORE_YIELD states when no state waits', async () => {
    const host = new MemoryHost({});
    const machine: TopLevelMachine = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: 0, ResultPath: '$.n', Next: 'Inc' },
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'B' },
        B: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1250, Next: 'End' }], Default: 'Inc' },
        End: { Type: 'Succeed' },
      },
    };
    const { outcome } = await run(machine, host);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { n: 1250 } });
    // 1 + 1250 × 2 + 1 = 2,502 states: two full rounds of 1,000.
    expect(SYNC_STEPS_BEFORE_YIELD).toBe(1000);
    expect(host.yields).toBe(2);
  });

  test('does not yield when a Task waits between the states', async () => {
    const host = new MemoryHost(FUNCTIONS);
    await run(mapOf('{% [1..2500] %}', TASK, { MaxConcurrency: 1 }), host);
    expect(host.yields).toBe(0);
  });

  test('times out on the execution clock when a Pass/Choice loop never waits', async () => {
    // Each yield lets 100 ms pass: the 1 s timeout fires at the 10th.
    const host = new MemoryHost({}, { startTime: 0, yieldMs: 100 });
    const { outcome, events } = await run({ ...LOOP, TimeoutSeconds: 1 }, host);
    expect(outcome).toEqual({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'The execution timed out after 1 seconds',
    });
    expect(host.yields).toBe(10);
    // ExecutionStarted, 9,999 states of two events each (the 10,000th waits on the 10th yield, when
    // the timeout has fired), ExecutionTimedOut.
    expect(events).toHaveLength(1 + 9_999 * 2 + 1);
    expect(events.at(-1)?.type).toBe('ExecutionTimedOut');
  });
});

describe('history cap', () => {
  test('fails the execution with States.Runtime at the first state after the cap', async () => {
    const host = new MemoryHost({});
    const { outcome, events } = await run(LOOP, host, { maxHistoryEvents: 100 });
    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution exceeded its limit of 100 history events (MaxHistoryEvents / STEPFLOW_MAX_HISTORY_EVENTS)',
    });
    // ExecutionStarted (1), then 50 states of two events reach id 101 ≥ 100; ExecutionFailed is 102.
    expect(events).toHaveLength(102);
    expect(events.at(-1)).toMatchObject({ id: 102, previousEventId: 101, type: 'ExecutionFailed' });
  });

  test('stops every iteration of a Map when the cap is passed inside it', async () => {
    const host = new MemoryHost({});
    const { outcome, events } = await run(mapOf('{% [1..100] %}', { Type: 'Pass', End: true }), host, {
      maxHistoryEvents: 50,
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const types = events.map((e) => e.type);
    expect(types.at(-1)).toBe('ExecutionFailed');
    // Iterations start one after the other; the 24th starts at event 50, and from then on no
    // iteration enters a state: the ones in flight finish theirs, and the execution fails.
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(24);
    expect(events.filter((e) => e.type === 'PassStateEntered' && e.id > 50)).toHaveLength(0);
  });

  test('the smaller of the deployment cap and the state machine cap applies, 0 meaning none', () => {
    expect(effectiveHistoryCap(1_000_000, undefined)).toBe(1_000_000);
    expect(effectiveHistoryCap(1_000_000, 500)).toBe(500);
    expect(effectiveHistoryCap(1_000, 5_000)).toBe(1_000);
    expect(effectiveHistoryCap(0, 5_000)).toBe(5_000);
    expect(effectiveHistoryCap(1_000, 0)).toBe(1_000);
    expect(effectiveHistoryCap(0, 0)).toBe(0);
    expect(effectiveHistoryCap(undefined, undefined)).toBe(0);
  });
});
