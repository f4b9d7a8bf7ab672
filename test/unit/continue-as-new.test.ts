import {
  runExecution,
  type Continuation,
  type ExecutionInfo,
  type TopLevelMachine,
} from '../../engine/core/interpreter';
import { historyExhaustedError } from '../../engine/core/interpreter/bounds';
import { MemoryHost, type MemoryFunction } from '../../engine/core/interpreter/memory-host';
import type { HistoryEvent } from '../../schemas/history';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:can:c1',
  name: 'c1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:can',
  stateMachineName: 'can',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const FUNCTIONS: Record<string, MemoryFunction> = {
  inc: (payload) => ({ n: (payload as { n: number }).n + 1 }),
  undo: (payload) => payload,
};

/** A host that asks to continue as new every `every` top-level boundaries it is asked at. */
class ContinuingHost extends MemoryHost {
  asked = 0;
  constructor(
    private readonly every: number,
    private readonly exhaustedAfter = Infinity,
  ) {
    super(FUNCTIONS);
  }
  continueAsNew(): boolean {
    return ++this.asked % this.every === 0;
  }
  private states = 0;
  historyExhausted(): boolean {
    return ++this.states > this.exhaustedAfter;
  }
}

/**
 * Runs the execution run after run (as the workflow does through continue-as-new) until it ends.
 * One host plays every run: its clock and random source go on, as Temporal's do.
 */
async function runAll(machine: TopLevelMachine, input: unknown, host: ContinuingHost) {
  const events: HistoryEvent[] = [];
  let continuation: Continuation | undefined;
  const continuations: Continuation[] = [];
  for (;;) {
    const handle = runExecution(machine, input, EXECUTION, host, continuation ? { continuation } : {});
    const run = await Promise.race([handle.result, handle.continued]);
    events.push(...host.written.splice(0), ...run.pendingEvents);
    if ('continuation' in run) {
      continuation = run.continuation;
      continuations.push(continuation);
      continue;
    }
    return { run, events, continuations };
  }
}

/** Task → Choice loop counting `$.n` up to `limit`, with a JSONata variable summing the counts. */
function counter(limit: number): TopLevelMachine {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { total: 0 }, Output: { n: 0 }, Next: 'Inc' },
      Inc: {
        Type: 'Task',
        Resource: fn('inc'),
        Arguments: '{% $states.input %}',
        Assign: { total: '{% $total + $states.result.n %}' },
        Next: 'Check',
      },
      Check: {
        Type: 'Choice',
        Choices: [{ Condition: `{% $states.input.n >= ${limit} %}`, Next: 'Done' }],
        Default: 'Inc',
      },
      Done: { Type: 'Pass', Output: '{% { "n": $states.input.n, "total": $total } %}', End: true },
    },
  };
}

describe('continue-as-new', () => {
  test('a loop continued every 7 states records the same history as one uninterrupted run', async () => {
    const machine = counter(30);
    const singleHost = new MemoryHost(FUNCTIONS);
    const single = await runExecution(machine, {}, EXECUTION, singleHost);
    const host = new ContinuingHost(7);
    const { run, events, continuations } = await runAll(machine, {}, host);
    expect(run).toMatchObject({ outcome: { status: 'SUCCEEDED', output: { n: 30, total: 465 } } });
    expect(single.outcome).toEqual({ status: 'SUCCEEDED', output: { n: 30, total: 465 } });
    // 61 states after Init; one hand-over per 7 boundaries asked.
    expect(continuations).toHaveLength(8);
    expect(continuations.map((c) => c.runs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const singleEvents = [...singleHost.written, ...single.pendingEvents];
    expect(events).toHaveLength(216);
    expect(events).toEqual(singleEvents);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  });

  test('a continuation carries the next state, its input and the top-level variables', async () => {
    const host = new ContinuingHost(4);
    const { continuations } = await runAll(counter(3), {}, host);
    // Boundaries asked: Inc, Check, Inc, Check → the 4th (Check, after n = 2) hands over.
    expect(continuations[0].resume).toEqual({ state: 'Check', input: { n: 2 }, variables: { total: 3 } });
    expect(continuations[0].compensations).toEqual([]);
    expect(continuations[0].deadline).toBeUndefined();
  });

  test('the compensation stack of earlier runs is carried and run when the execution fails', async () => {
    const step = (name: string, next?: string) => ({
      Type: 'Task',
      Resource: fn('inc'),
      Parameters: { 'n.$': '$.n' },
      Compensate: { Resource: fn('undo'), Parameters: { step: name } },
      ...(next ? { Next: next } : { End: true }),
    });
    const machine: TopLevelMachine = {
      StartAt: 'one',
      States: {
        one: step('one', 'two'),
        two: step('two', 'three'),
        three: step('three', 'Boom'),
        Boom: { Type: 'Fail', Error: 'Boom', Cause: 'late' },
      },
    };
    const host = new ContinuingHost(1);
    const { run, events, continuations } = await runAll(machine, { n: 0 }, host);
    expect(continuations.map((c) => c.compensations.map((s) => s.input))).toEqual([
      [{ step: 'one' }],
      [{ step: 'one' }, { step: 'two' }],
      [{ step: 'one' }, { step: 'two' }, { step: 'three' }],
    ]);
    expect(run).toMatchObject({ outcome: { status: 'FAILED', error: 'Boom', cause: 'late' } });
    const undone = events
      .filter((e) => e.type === 'CompensationStepSucceeded')
      .map((e) => (e.compensationStepSucceededEventDetails as { output: string }).output);
    expect(undone).toEqual(['{"step":"three"}', '{"step":"two"}', '{"step":"one"}']);
  });

  test("the execution's TimeoutSeconds counts from its start across runs", async () => {
    const machine: TopLevelMachine = {
      TimeoutSeconds: 10,
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3, Next: 'W' } },
    };
    const host = new ContinuingHost(1);
    const start = host.now();
    const { run, events, continuations } = await runAll(machine, {}, host);
    expect(run).toMatchObject({ outcome: { status: 'TIMED_OUT', error: 'States.Timeout' } });
    expect(continuations.every((c) => c.deadline === start + 10_000)).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionTimedOut',
      timestamp: new Date(start + 10_000).toISOString(),
    });
  });

  test('a host past its history limits inside a Map fails the execution with States.Runtime', async () => {
    const machine: TopLevelMachine = {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..50] %}',
          ItemProcessor: {
            StartAt: 'T',
            States: { T: { Type: 'Task', Resource: fn('inc'), Arguments: { n: '{% $states.input %}' }, End: true } },
          },
          End: true,
        },
      },
    };
    const host = new ContinuingHost(Infinity, 20);
    const { run, events } = await runAll(machine, {}, host);
    const expected = historyExhaustedError();
    expect(run).toMatchObject({ outcome: { status: 'FAILED', error: 'States.Runtime', cause: expected.cause } });
    expect(events.at(-1)?.type).toBe('ExecutionFailed');
  });
});
