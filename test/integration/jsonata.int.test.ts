import { createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

async function run(definition: unknown, input: unknown): Promise<any> {
  const machine = uniqueName('jsonata');
  await createMachine(machine, definition);
  return waitForEnd(await startExecution(machine, input));
}

describe('JSONata and variables on the real stack', () => {
  test('runs a JSONata Map whose items call a function, then sums the results in Output', async () => {
    const done = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: '{% $states.input.numbers %}',
            ItemSelector: { a: '{% $states.context.Map.Item.Value %}', b: 10 },
            ItemProcessor: {
              StartAt: 'Add',
              States: {
                Add: {
                  Type: 'Task',
                  Resource: fn('add'),
                  Arguments: '{% $states.input %}',
                  Output: '{% $states.result.sum %}',
                  End: true,
                },
              },
            },
            Output: { each: '{% $states.result %}', total: '{% $sum($states.result) %}' },
            End: true,
          },
        },
      },
      { numbers: [1, 2, 3] },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { each: [11, 12, 13], total: 36 } });
  });

  test('builds a Catch output from $states.errorOutput when the function throws', async () => {
    const done = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: fn('boom'),
            Arguments: { errorName: 'Nope', message: 'bad input' },
            Catch: [
              {
                ErrorEquals: ['Nope'],
                Output: { caught: '{% $states.errorOutput.Error %}', was: '{% $states.input %}' },
                Next: 'Done',
              },
            ],
            End: true,
          },
          Done: { Type: 'Succeed' },
        },
      },
      { order: 5 },
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { caught: 'Nope', was: { order: 5 } } });
  });

  test('reads an outer variable inside Parallel branches and assigns from their results, recording assignedVariables', async () => {
    const done = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Init',
        States: {
          Init: { Type: 'Pass', Assign: { factor: 3 }, Next: 'Both' },
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $factor * 2 %}', End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $factor * 3 %}', End: true } } },
            ],
            Assign: { total: '{% $sum($states.result) %}' },
            Next: 'Report',
          },
          Report: { Type: 'Pass', Output: { total: '{% $total %}', factor: '{% $factor %}' }, End: true },
        },
      },
      {},
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { total: 15, factor: 3 } });
    const events = await history(done.executionId);
    const initExit = events.find((e: any) => e.type === 'PassStateExited' && e.stateExitedEventDetails.name === 'Init');
    expect(initExit.stateExitedEventDetails.assignedVariables).toEqual({ factor: '3' });
    const bothExit = events.find((e: any) => e.type === 'ParallelStateExited');
    expect(bothExit.stateExitedEventDetails.assignedVariables).toEqual({ total: '15' });
  });
});
