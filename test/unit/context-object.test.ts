import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../../engine/core/interpreter';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';

const execution = (name: string, redriveCount = 0): ExecutionInfo => ({
  id: `arn:aws:states:us-east-1:123456789012:execution:ctx:${name}`,
  name,
  stateMachineId: 'arn:aws:states:us-east-1:123456789012:stateMachine:ctx',
  stateMachineName: 'ctx',
  roleArn: 'arn:aws:iam::123456789012:role/ctx',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount,
});

/** A Pass then a Task, each putting the whole Context object into its output. */
const MACHINE = {
  StartAt: 'First',
  States: {
    First: { Type: 'Pass', Parameters: { 'context.$': '$$' }, ResultPath: '$.first', Next: 'Second' },
    Second: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
      Parameters: { 'context.$': '$$' },
      ResultPath: '$.second',
      End: true,
    },
  },
} as unknown as TopLevelMachine;

const contextOf = (info: ExecutionInfo, input: unknown, state: Record<string, unknown>) => ({
  Execution: {
    Id: info.id,
    Input: input,
    Name: info.name,
    RoleArn: info.roleArn,
    StartTime: info.startTime,
    RedriveCount: info.redriveCount,
  },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:ctx', Name: 'ctx' },
  State: state,
});

async function run(info: ExecutionInfo, input: Record<string, unknown>) {
  const host = new MemoryHost({ echo: (payload) => payload });
  return runExecution(MACHINE, input, info, host);
}

describe('contextObject', () => {
  test('gives each execution its own Execution member when executions run one after the other and at once', async () => {
    const a = execution('a');
    const b = execution('b', 2);
    const [first, second] = await Promise.all([run(a, { n: 1 }), run(b, { n: 2 })]);
    const third = await run(a, { n: 3 });
    const entered = '2026-01-01T00:00:00.000Z';
    const expected = (info: ExecutionInfo, input: Record<string, unknown>) => ({
      status: 'SUCCEEDED',
      output: {
        ...input,
        first: { context: contextOf(info, input, { Name: 'First', EnteredTime: entered }) },
        second: { context: contextOf(info, input, { Name: 'Second', EnteredTime: entered, RetryCount: 0 }) },
      },
    });
    // As text: the members in Step Functions' order too.
    expect(JSON.stringify(first.outcome)).toBe(JSON.stringify(expected(a, { n: 1 })));
    expect(second.outcome).toEqual(expected(b, { n: 2 }));
    expect(third.outcome).toEqual(expected(a, { n: 3 }));
  });
});
