import { runExecution } from '../../engine/core/interpreter';
import { MemoryHost, type MemoryFunction } from '../../engine/core/interpreter/memory-host';
import type { TopLevelMachine } from '../../engine/core/interpreter/execution';

const EXECUTION = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:m:e',
  name: 'e',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
  stateMachineName: 'm',
  roleArn: 'arn:aws:iam::000000000000:role/r',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Functions that count their calls and fail while `broken` holds the value. */
function functions(broken: Set<unknown>, calls: unknown[]): Record<string, MemoryFunction> {
  return {
    work: (payload) => {
      calls.push(payload);
      if (broken.has((payload as { v?: unknown })?.v ?? payload)) {
        const err = new Error('not yet');
        err.name = 'Broken';
        throw err;
      }
      return { done: payload };
    },
  };
}

/** Runs an execution, then redrives it once `fix` has repaired the functions. */
async function runThenRedrive(machine: TopLevelMachine, input: unknown, broken: Set<unknown>) {
  const calls: unknown[] = [];
  const firstHost = new MemoryHost(functions(broken, calls));
  const first = await runExecution(machine, input, EXECUTION, firstHost);
  const firstCalls = [...calls];
  broken.clear();
  calls.length = 0;
  const host = new MemoryHost(functions(broken, calls));
  const lastEventId = [...firstHost.written, ...first.pendingEvents].at(-1)?.id ?? 0;
  const second = await runExecution(machine, input, { ...EXECUTION, redriveCount: 1 }, host, {
    redrive: { resume: first.resume!, lastEventId },
  });
  return {
    first,
    firstCalls,
    second,
    secondCalls: calls,
    lastEventId,
    secondEvents: [...host.written, ...second.pendingEvents],
  };
}

describe('redrive', () => {
  test('resumes at the failed Task with the input it had, without re-running what succeeded, when redriven', async () => {
    const machine: TopLevelMachine = {
      StartAt: 'Prepare',
      States: {
        Prepare: {
          Type: 'Task',
          Resource: fn('work'),
          Parameters: { v: 'prepare' },
          ResultPath: '$.prepared',
          Next: 'Charge',
        },
        Charge: {
          Type: 'Task',
          Resource: fn('work'),
          Parameters: { v: 'charge' },
          ResultPath: '$.charged',
          Next: 'Ship',
        },
        Ship: { Type: 'Task', Resource: fn('work'), Parameters: { v: 'ship' }, ResultPath: '$.shipped', End: true },
      },
    };
    const run = await runThenRedrive(machine, { order: 1 }, new Set(['charge']));
    expect(run.first.outcome).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(run.first.resume).toEqual({ state: 'Charge', input: { order: 1, prepared: { done: { v: 'prepare' } } } });
    expect(run.firstCalls).toEqual([{ v: 'prepare' }, { v: 'charge' }]);
    expect(run.secondCalls).toEqual([{ v: 'charge' }, { v: 'ship' }]);
    expect(run.second.outcome).toEqual({
      status: 'SUCCEEDED',
      output: {
        order: 1,
        prepared: { done: { v: 'prepare' } },
        charged: { done: { v: 'charge' } },
        shipped: { done: { v: 'ship' } },
      },
    });
    const events = run.secondEvents;
    expect(events[0]).toMatchObject({
      id: run.lastEventId + 1,
      previousEventId: run.lastEventId,
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(events[1]).toMatchObject({
      type: 'TaskStateEntered',
      previousEventId: run.lastEventId + 1,
      stateEnteredEventDetails: { name: 'Charge' },
    });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => run.lastEventId + 1 + i));
  });

  test('re-runs only the failed and unstarted Map iterations when redriven', async () => {
    const machine: TopLevelMachine = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemSelector: { 'v.$': '$$.Map.Item.Value' },
          ItemProcessor: {
            StartAt: 'Work',
            States: { Work: { Type: 'Task', Resource: fn('work'), OutputPath: '$.done.v', End: true } },
          },
          End: true,
        },
      },
    };
    const run = await runThenRedrive(machine, [0, 1, 2, 3, 4], new Set([2]));
    expect(run.firstCalls).toEqual([{ v: 0 }, { v: 1 }, { v: 2 }]);
    expect(run.first.resume).toEqual({
      state: 'Each',
      input: [0, 1, 2, 3, 4],
      branches: { done: { 0: 0, 1: 1 }, pending: { 2: { state: 'Work', input: { v: 2 } } } },
    });
    expect(run.secondCalls).toEqual([{ v: 2 }, { v: 3 }, { v: 4 }]);
    expect(run.second.outcome).toEqual({ status: 'SUCCEEDED', output: [0, 1, 2, 3, 4] });
    const started = run.secondEvents
      .filter((e) => e.type === 'MapIterationStarted')
      .map((e) => (e.mapIterationStartedEventDetails as { index: number }).index);
    expect(started).toEqual([2, 3, 4]);
  });

  test('re-runs only the failed Parallel branch when redriven', async () => {
    const machine: TopLevelMachine = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Left',
              States: { Left: { Type: 'Task', Resource: fn('work'), Parameters: { v: 'left' }, End: true } },
            },
            {
              StartAt: 'Right',
              States: { Right: { Type: 'Task', Resource: fn('work'), Parameters: { v: 'right' }, End: true } },
            },
          ],
          End: true,
        },
      },
    };
    const run = await runThenRedrive(machine, {}, new Set(['right']));
    expect(run.firstCalls).toEqual([{ v: 'left' }, { v: 'right' }]);
    expect(run.secondCalls).toEqual([{ v: 'right' }]);
    expect(run.second.outcome).toEqual({
      status: 'SUCCEEDED',
      output: [{ done: { v: 'left' } }, { done: { v: 'right' } }],
    });
  });

  test('keeps the variables assigned before the failure when redriven', async () => {
    const machine: TopLevelMachine = {
      QueryLanguage: 'JSONata',
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { who: 'ada' }, Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: fn('work'),
          Arguments: { v: '{% $who %}' },
          Output: '{% $states.result.done.v & "!" %}',
          End: true,
        },
      },
    };
    const run = await runThenRedrive(machine, {}, new Set(['ada']));
    expect(run.first.resume).toEqual({ state: 'Call', input: {}, variables: { who: 'ada' } });
    expect(run.secondCalls).toEqual([{ v: 'ada' }]);
    expect(run.second.outcome).toEqual({ status: 'SUCCEEDED', output: 'ada!' });
  });
});

describe('event flushing', () => {
  test('hands events to the host every MAX_PENDING_EVENTS when a Pass/Choice loop has no Task to carry them', async () => {
    const machine: TopLevelMachine = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 300, Next: 'Count' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const host = new MemoryHost({});
    const run = await runExecution(machine, { n: 0 }, EXECUTION, host);
    expect(run.outcome).toEqual({ status: 'SUCCEEDED', output: { n: 300 } });
    // 1 + 300 × 4 + 2 + 1 events: two flushes of at least 500, the rest at the end.
    expect(host.flushes).toBe(2);
    const all = [...host.written, ...run.pendingEvents];
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    expect(all).toHaveLength(1204);
  });
});
