import { runExecution, type ExecutionInfo } from '../../engine/core/interpreter';
import { MemoryHost, type MemoryFunction } from '../../engine/core/interpreter/memory-host';
import type { HistoryEvent } from '../../schemas/history';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:events:e1',
  name: 'e1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:events',
  stateMachineName: 'events',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-events',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/** Runs a machine and returns its history as `[id, previousEventId, type]` rows. */
async function history(
  machine: object,
  input: unknown,
  functions: Record<string, MemoryFunction> = {},
): Promise<[number, number, string][]> {
  const host = new MemoryHost(functions);
  const run = await runExecution(machine as Parameters<typeof runExecution>[0], input, EXECUTION, host);
  return [...host.written, ...run.pendingEvents].map((e: HistoryEvent) => [e.id, e.previousEventId, e.type]);
}

const pass = { Type: 'Pass', End: true };

describe('interpreter history events', () => {
  test('chains the first state to event 0 when the execution starts', async () => {
    expect(await history({ StartAt: 'A', States: { A: pass } }, {})).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'ExecutionSucceeded'],
    ]);
  });

  test('chains sequential iterations and the exit as AWS records them when MaxConcurrency is 1', async () => {
    const machine = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: { StartAt: 'I', States: { I: pass } }, End: true },
      },
    };
    expect(await history(machine, ['a', 'b'])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'PassStateEntered'],
      [6, 5, 'PassStateExited'],
      [7, 6, 'MapIterationSucceeded'],
      [8, 6, 'MapIterationStarted'],
      [9, 8, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'MapIterationSucceeded'],
      [12, 11, 'MapStateSucceeded'],
      [13, 11, 'MapStateExited'],
      [14, 13, 'ExecutionSucceeded'],
    ]);
  });

  test('chains every abort and the state failure to the failing event when an iteration Task times out', async () => {
    const slow: MemoryFunction = async (payload, context) => {
      await context.sleep((payload as number) * 1000);
      return payload;
    };
    const machine = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'T',
            States: {
              T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:slow', TimeoutSeconds: 2, End: true },
            },
          },
          End: true,
        },
      },
    };
    expect(await history(machine, [5, 9], { slow })).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'TaskStateEntered'],
      [6, 5, 'LambdaFunctionScheduled'],
      [7, 3, 'MapIterationStarted'],
      [8, 7, 'TaskStateEntered'],
      [9, 8, 'LambdaFunctionScheduled'],
      [10, 6, 'LambdaFunctionStarted'],
      [11, 10, 'LambdaFunctionTimedOut'],
      [12, 11, 'MapIterationFailed'],
      [13, 11, 'TaskStateAborted'],
      [14, 11, 'MapIterationAborted'],
      [15, 11, 'TaskStateAborted'],
      [16, 11, 'MapStateFailed'],
      [17, 16, 'ExecutionFailed'],
    ]);
  });

  test('chains the exit to the failure when a Parallel branch failure is caught', async () => {
    const machine = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } } },
          ],
          Catch: [{ ErrorEquals: ['FailureType'], Next: 'Caught' }],
          End: true,
        },
        Caught: pass,
      },
    };
    expect(await history(machine, {})).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'FailStateEntered'],
      [5, 4, 'ParallelStateFailed'],
      [6, 5, 'ParallelStateExited'],
      [7, 6, 'PassStateEntered'],
      [8, 7, 'PassStateExited'],
      [9, 8, 'ExecutionSucceeded'],
    ]);
  });

  test('records nested aborts outer to inner when a sibling of a nested Parallel fails', async () => {
    const wait = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } };
    const machine = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Inner', States: { Inner: { Type: 'Parallel', Branches: [wait], End: true } } },
            { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom' } } },
          ],
          End: true,
        },
      },
    };
    expect(await history(machine, {})).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'ParallelStateEntered'],
      [5, 4, 'ParallelStateStarted'],
      [6, 5, 'WaitStateEntered'],
      [7, 3, 'FailStateEntered'],
      [8, 7, 'WaitStateAborted'],
      [9, 7, 'ParallelStateAborted'],
      [10, 7, 'ParallelStateFailed'],
      [11, 10, 'ExecutionFailed'],
    ]);
  });

  test('records a Map Run chained like AWS when the processor is DISTRIBUTED', async () => {
    const machine = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'I', States: { I: pass } },
          End: true,
        },
      },
    };
    expect(await history(machine, [1])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapRunStarted'],
      [5, 4, 'MapRunSucceeded'],
      [6, 5, 'MapStateSucceeded'],
      [7, 5, 'MapStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
  });
});
