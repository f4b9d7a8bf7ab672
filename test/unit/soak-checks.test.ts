import {
  historyProblems,
  openAt,
  outcomeProblems,
  redeliveries,
  triggerPoints,
  visibleInvocations,
  type WireEvent,
} from '../../soak/checks';
import { parseSoakArgs } from '../../soak/options';
import { seededRandom } from '../../soak/random';
import { WORKLOADS } from '../../soak/workloads';

const ev = (id: number, previousEventId: number, type: string, extra: Partial<WireEvent> = {}): WireEvent => ({
  id,
  previousEventId,
  type,
  ...extra,
});
const good = [
  ev(1, 0, 'ExecutionStarted'),
  ev(2, 0, 'PassStateEntered'),
  ev(3, 2, 'PassStateExited'),
  ev(4, 3, 'ExecutionSucceeded'),
];

describe('soak history checks', () => {
  test('accepts a complete history when ids run 1..n and one terminal event ends it', () => {
    expect(historyProblems(good, 'SUCCEEDED')).toEqual([]);
  });

  test('reports a gap, a forward previousEventId and a missing terminal event when the history is broken', () => {
    const broken = [ev(1, 0, 'ExecutionStarted'), ev(3, 5, 'PassStateEntered')];
    expect(historyProblems(broken, 'SUCCEEDED')).toEqual([
      'event #2 has id 3',
      'event 3 (PassStateEntered) has previousEventId 5',
      '0 terminal events ()',
      'last event is PassStateEntered, not a terminal event',
    ]);
  });

  test('reports two terminal events and a status mismatch when the execution closed twice', () => {
    const twice = [...good, ev(5, 4, 'ExecutionFailed')];
    expect(historyProblems(twice, 'SUCCEEDED')).toEqual([
      '2 terminal events (ExecutionSucceeded, ExecutionFailed)',
      'terminal event ExecutionFailed but status SUCCEEDED',
    ]);
  });

  test('reports an empty history when there are no events', () => {
    expect(historyProblems([], 'RUNNING')).toEqual(['empty history']);
  });
});

describe('soak invocation count', () => {
  test('counts Lambda attempts, lambda:invoke attempts and compensation steps when the history has them', () => {
    const events = [
      ev(1, 0, 'LambdaFunctionScheduled'),
      ev(2, 1, 'LambdaFunctionStarted'),
      ev(3, 2, 'TaskScheduled', { taskScheduledEventDetails: { resourceType: 'lambda' } }),
      ev(4, 3, 'TaskScheduled', { taskScheduledEventDetails: { resourceType: 'states' } }),
      ev(5, 4, 'CompensationStepScheduled'),
    ];
    expect(visibleInvocations(events)).toBe(3);
  });

  test('counts every Started event when a host records more starts than schedules (redeliveries)', () => {
    const events = [
      ev(1, 0, 'LambdaFunctionScheduled'),
      ev(2, 1, 'LambdaFunctionStarted'),
      ev(3, 1, 'LambdaFunctionStarted'),
    ];
    expect(visibleInvocations(events)).toBe(2);
  });

  test('counts redelivered starts and compensation redeliveries when a host was lost', () => {
    const events = [
      ev(1, 0, 'LambdaFunctionScheduled'),
      ev(2, 1, 'LambdaFunctionStarted'),
      ev(3, 2, 'LambdaFunctionStarted', { lambdaFunctionStartedEventDetails: { attempt: 2 } }),
      ev(4, 3, 'TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', attempt: 1 } }),
      ev(5, 4, 'CompensationStepScheduled'),
      ev(6, 5, 'FunctionRedelivered'),
    ];
    expect(redeliveries(events)).toBe(2);
    expect(visibleInvocations(events)).toBe(2 + 1 + 1 + 1);
  });
});

describe('soak outcome checks', () => {
  test('accepts the output its workload implies when it matches in any key order', () => {
    expect(
      outcomeProblems(
        { status: 'SUCCEEDED', output: '{"b":2,"a":1}' },
        { status: 'SUCCEEDED', output: { a: 1, b: 2 }, effects: 0 },
      ),
    ).toEqual([]);
  });

  test('reports the status and error when an execution failed that should have succeeded', () => {
    expect(
      outcomeProblems(
        { status: 'FAILED', error: 'States.Timeout', cause: 'late' },
        { status: 'SUCCEEDED', output: 1, effects: 1 },
      ),
    ).toEqual(['status FAILED, expected SUCCEEDED (States.Timeout: late)']);
  });

  test('reports the error name when a failure has the wrong one', () => {
    expect(
      outcomeProblems({ status: 'FAILED', error: 'Boom' }, { status: 'FAILED', error: 'SoakFlaky', effects: 4 }),
    ).toEqual(['error Boom, expected SoakFlaky']);
  });
});

describe('soak fault accounting', () => {
  test('counts the spans open at an instant when some closed before, some after and some still run', () => {
    const spans = [{ start: 0, end: 5 }, { start: 2, end: 10 }, { start: 11, end: 12 }, { start: 3 }];
    expect(openAt(spans, 6)).toBe(2);
    expect(openAt(spans, 5)).toBe(3);
  });

  test('spreads trigger points over the middle of the run, one per slot, when planned', () => {
    expect(triggerPoints(4, 1000, () => 0)).toEqual([100, 287, 475, 662]);
    expect(triggerPoints(4, 1000, () => 0.999)).toEqual([193, 381, 568, 756]);
  });
});

describe('soak plan', () => {
  test('draws the same sequence when seeded the same, another when seeded differently', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random.int(0, 1000));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  test('derives each workload expectation from the input alone when the input is given', () => {
    const [chain, , map, , , saga, retry] = WORKLOADS;
    expect(chain?.expect({ value: 60 })).toEqual({ status: 'SUCCEEDED', output: { high: 240 }, effects: 2 });
    expect(map?.expect({ items: [1, 2] })).toEqual({ status: 'SUCCEEDED', output: [2, 4], effects: 2 });
    expect(saga?.expect({ failures: 99 })).toEqual({ status: 'FAILED', error: 'SoakFlaky', effects: 4 });
    expect(retry?.expect({ failures: 3, strict: true })).toEqual({ status: 'FAILED', error: 'SoakGaveUp', effects: 0 });
    expect(retry?.expect({ failures: 3, strict: false })).toEqual({
      status: 'SUCCEEDED',
      output: { error: 'SoakFlaky' },
      effects: 0,
    });
  });

  test('parses the CI flags when given --short and a seed', () => {
    expect(parseSoakArgs(['--short', '--seed', '15', '--poison=none'])).toMatchObject({
      short: true,
      seed: 15,
      executions: 600,
      faultRounds: 1,
      poisons: [],
      faults: ['kill-api', 'kill-worker', 'kill-functions', 'restart-temporal', 'restart-postgres'],
    });
  });

  test('has a kill fault for exactly the roles --roles names', () => {
    expect(parseSoakArgs(['--roles', 'api=1,worker=2', '--seed', '1']).faults).toEqual([
      'kill-api',
      'kill-worker',
      'restart-temporal',
      'restart-postgres',
    ]);
  });

  test('refuses an unknown fault when one is asked for', () => {
    expect(() => parseSoakArgs(['--faults', 'kill-db'])).toThrow(
      "unknown fault 'kill-db' (known: kill-api, kill-worker, kill-functions, restart-temporal, restart-postgres)",
    );
  });
});

describe('soak usage', () => {
  test('names an unknown option when one is given', () => {
    expect(() => parseSoakArgs(['--bogus'])).toThrow('unknown option --bogus');
  });

  test('refuses a non-integer size when one is given', () => {
    expect(() => parseSoakArgs(['--executions', 'many'])).toThrow("--executions must be an integer ≥ 1, got 'many'");
  });
});
