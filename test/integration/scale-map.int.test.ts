import {
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/**
 * Large inline Maps on the real stack: whatever `MaxConcurrency` says, the workflow keeps its
 * in-flight work inside a bounded window, so Temporal never refuses a workflow task and the worker
 * never does too much in one activation.
 */
describe('scale: large inline Map', () => {
  test('an inline Map of 5,000 Task items with MaxConcurrency 0 succeeds with every output in order', async () => {
    const count = 5_000;
    const machine = uniqueName('map5k');
    await createMachine(machine, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 0,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Add',
            States: {
              Add: {
                Type: 'Task',
                Resource: fn('add'),
                Parameters: { 'a.$': '$', b: 1 },
                ResultSelector: { 'sum.$': '$.sum' },
                OutputPath: '$.sum',
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const items = Array.from({ length: count }, (_, i) => i);
    const id = await startExecution(machine, { items });
    const done = await waitForEnd(id, 1_500_000);
    expect({ status: done.status, error: done.error, cause: done.cause }).toEqual({ status: 'SUCCEEDED' });
    expect(done.output).toEqual(items.map((i) => i + 1));
    const events = await history(id);
    expectCompleteHistory(events);
    expect(events.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(count);
    expect(events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(count);
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  }, 1_600_000);
});
