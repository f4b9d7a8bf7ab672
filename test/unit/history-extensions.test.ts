import { runExecution, type ExecutionInfo } from '../../engine/core/interpreter';
import { MemoryHost, type MemoryFunction } from '../../engine/core/interpreter/memory-host';
import type { HistoryEvent } from '../../schemas/history';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:ext:e1',
  name: 'e1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:ext',
  stateMachineName: 'ext',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-ext',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/** Runs a machine and returns the `stepflow` extension of each state's exit event, by state name. */
async function extensions(
  machine: object,
  input: unknown,
  functions: Record<string, MemoryFunction> = {},
): Promise<Record<string, unknown>> {
  const host = new MemoryHost(functions);
  const run = await runExecution(machine as Parameters<typeof runExecution>[0], input, EXECUTION, host);
  const out: Record<string, unknown> = {};
  for (const event of [...host.written, ...run.pendingEvents] as HistoryEvent[]) {
    const details = event.stateExitedEventDetails as { name: string; stepflow?: unknown } | undefined;
    if (details) out[details.name] = details.stepflow;
  }
  return out;
}

describe('history extensions (stateExitedEventDetails.stepflow)', () => {
  test('records the JSONPath data-flow stages that changed the data, as the pipeline computed them', async () => {
    const machine = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:double',
          InputPath: '$.in',
          Parameters: { 'n.$': '$.n' },
          ResultSelector: { 'doubled.$': '$.n' },
          ResultPath: '$.out',
          OutputPath: '$.out',
          Next: 'P',
        },
        P: { Type: 'Pass', End: true },
      },
    };
    const double: MemoryFunction = (event) => ({ n: (event as { n: number }).n * 2 });
    expect(await extensions(machine, { in: { n: 2 } }, { double })).toEqual({
      T: {
        inspection: {
          afterInputPath: { n: 2 },
          afterParameters: { n: 2 },
          result: { n: 4 },
          afterResultSelector: { doubled: 4 },
          afterResultPath: { in: { n: 2 }, out: { doubled: 4 } },
        },
      },
      P: undefined,
    });
  });

  test('records the JSONata arguments and result of a state, and nothing for a state that changed nothing', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:double',
          Arguments: { n: '{% $states.input.a %}' },
          Output: '{% $states.result.n %}',
          Next: 'P',
        },
        P: { Type: 'Pass', End: true },
      },
    };
    const double: MemoryFunction = (event) => ({ n: (event as { n: number }).n * 2 });
    expect(await extensions(machine, { a: 1 }, { double })).toEqual({
      T: { inspection: { afterArguments: { n: 1 }, result: { n: 2 } } },
      P: undefined,
    });
  });

  test('records which JSONPath Choice rule matched and the values each evaluated rule compared', async () => {
    const machine = {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' },
            {
              And: [
                { Variable: '$.n', NumericGreaterThan: 1 },
                { Variable: '$.s', StringEquals: 'x' },
              ],
              Next: 'Mid',
            },
          ],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Mid: { Type: 'Succeed' },
        Small: { Type: 'Succeed' },
      },
    };
    expect((await extensions(machine, { n: 5, s: 'x' })).C).toEqual({
      choice: {
        matched: 1,
        next: 'Mid',
        rules: [
          {
            index: 0,
            result: false,
            comparisons: [{ variable: '$.n', operator: 'NumericGreaterThan', expected: 10, actual: 5, result: false }],
          },
          {
            index: 1,
            result: true,
            comparisons: [
              { variable: '$.n', operator: 'NumericGreaterThan', expected: 1, actual: 5, result: true },
              { variable: '$.s', operator: 'StringEquals', expected: 'x', actual: 'x', result: true },
            ],
          },
        ],
      },
    });
    expect((await extensions(machine, { n: 0, s: 'y' })).C).toEqual({
      choice: {
        matched: 'Default',
        next: 'Small',
        rules: [
          {
            index: 0,
            result: false,
            comparisons: [{ variable: '$.n', operator: 'NumericGreaterThan', expected: 10, actual: 0, result: false }],
          },
          {
            index: 1,
            result: false,
            comparisons: [{ variable: '$.n', operator: 'NumericGreaterThan', expected: 1, actual: 0, result: false }],
          },
        ],
      },
    });
  });

  test('records a JSONata Choice rule by its condition', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Condition: '{% $states.input.n > 10 %}', Next: 'Big' },
            { Condition: '{% $states.input.n > 1 %}', Next: 'Mid' },
          ],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Mid: { Type: 'Succeed' },
        Small: { Type: 'Succeed' },
      },
    };
    expect((await extensions(machine, { n: 5 })).C).toEqual({
      choice: {
        matched: 1,
        next: 'Mid',
        rules: [
          { index: 0, result: false, condition: '{% $states.input.n > 10 %}' },
          { index: 1, result: true, condition: '{% $states.input.n > 1 %}' },
        ],
      },
    });
  });
});
