import { StatesError } from '../../engine/core/errors';
import { runExecution, type ExecutionInfo, type TaskInvocation, type TaskOutcome } from '../../engine/core/interpreter';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import {
  childExecutionRequest,
  childExecutionResult,
  type ChildExecutionDescription,
} from '../../engine/core/interpreter/nested';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:parent:p-1',
  name: 'p-1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:parent',
  stateMachineName: 'parent',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-parent',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};
const CHILD_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:child';

function child(
  status: ChildExecutionDescription['status'],
  extra: Partial<ChildExecutionDescription> = {},
): ChildExecutionDescription {
  return {
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:child:c',
    stateMachineArn: CHILD_ARN,
    name: 'c',
    status,
    startDate: 1000,
    input: { a: 1 },
    ...extra,
  };
}

/** A MemoryHost that also runs nested executions: each ends as `ending` says. */
class NestingHost extends MemoryHost {
  readonly children: TaskInvocation[] = [];

  constructor(private readonly ending: ChildExecutionDescription) {
    super({});
  }

  override async invokeTask(invocation: TaskInvocation): Promise<TaskOutcome> {
    if (invocation.kind !== 'execution') return super.invokeTask(invocation);
    this.children.push(invocation);
    this.written.push(...this.history.takePending());
    return { result: this.ending, startedAt: this.now(), submitted: child('RUNNING') };
  }
}

function machine(resource: string, parameters: unknown) {
  return { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } };
}

describe('childExecutionRequest', () => {
  test('reads the machine, a version qualifier, Name and JSON-text Input when all are given', () => {
    const request = childExecutionRequest(
      { StateMachineArn: `${CHILD_ARN}:3`, Name: 'kid', Input: '{"x":1}' },
      'sync2',
      () => 0.5,
    );
    expect(request).toEqual({ stateMachine: 'child', version: 3, name: 'kid', input: { x: 1 }, integration: 'sync2' });
  });

  test('reads an alias qualifier and the started-by key when the Input carries it', () => {
    const request = childExecutionRequest(
      { StateMachineArn: `${CHILD_ARN}:prod`, Input: { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: EXECUTION.id } },
      'request',
      () => 0,
    );
    expect(request).toMatchObject({
      stateMachine: 'child',
      alias: 'prod',
      startedBy: EXECUTION.id,
      input: { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: EXECUTION.id },
    });
  });

  test('mints the same UUID name from the same randomness when Name is absent', () => {
    const draws = () => {
      let seed = 0;
      return () => (seed = (seed + 0.37) % 1);
    };
    const a = childExecutionRequest({ StateMachineArn: CHILD_ARN }, 'sync', draws());
    const b = childExecutionRequest({ StateMachineArn: CHILD_ARN }, 'sync', draws());
    expect(a.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.name).toBe(b.name);
    expect(a.input).toEqual({});
  });

  test('fails with StepFunctions.InvalidArnException when StateMachineArn is not a state machine ARN', () => {
    expect(() =>
      childExecutionRequest({ StateMachineArn: 'arn:aws:lambda:us-east-1:1:function:f' }, 'sync', Math.random),
    ).toThrow(
      new StatesError('StepFunctions.InvalidArnException', "Invalid Arn: 'arn:aws:lambda:us-east-1:1:function:f'"),
    );
  });
});

describe('childExecutionResult', () => {
  test('returns the start response when the integration is request-response', () => {
    expect(childExecutionResult('request', child('RUNNING'))).toEqual({
      ExecutionArn: child('RUNNING').executionArn,
      StartDate: 1000,
    });
  });

  test('returns Input and Output as JSON text when the integration is .sync', () => {
    const result = childExecutionResult('sync', child('SUCCEEDED', { output: { b: 2 }, stopDate: 2000 })) as Record<
      string,
      unknown
    >;
    expect(result).toEqual({
      ExecutionArn: child('RUNNING').executionArn,
      Input: '{"a":1}',
      InputDetails: { Included: true },
      Name: 'c',
      Output: '{"b":2}',
      OutputDetails: { Included: true },
      StartDate: 1000,
      StateMachineArn: CHILD_ARN,
      Status: 'SUCCEEDED',
      StopDate: 2000,
    });
  });

  test('fails with States.TaskFailed and the description as cause when the child was aborted', () => {
    let thrown: unknown;
    try {
      childExecutionResult('sync2', child('ABORTED', { stopDate: 2000, cause: 'stopped' }));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StatesError);
    expect((thrown as StatesError).error).toBe('States.TaskFailed');
    expect(JSON.parse((thrown as StatesError).cause)).toEqual({
      Cause: 'stopped',
      ExecutionArn: child('RUNNING').executionArn,
      Input: { a: 1 },
      InputDetails: { Included: true },
      Name: 'c',
      StartDate: 1000,
      StateMachineArn: CHILD_ARN,
      Status: 'ABORTED',
      StopDate: 2000,
    });
  });
});

describe('startExecution Task in the interpreter', () => {
  test('records Task events with resourceType states and TaskSubmitted when the Task waits with .sync:2', async () => {
    const host = new NestingHost(child('SUCCEEDED', { output: 7, stopDate: 2000 }));
    const { outcome, pendingEvents } = await runExecution(
      machine('arn:aws:states:::states:startExecution.sync:2', {
        StateMachineArn: CHILD_ARN,
        Name: 'c',
        'Input.$': '$',
      }),
      { a: 1 },
      EXECUTION,
      host,
    );
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Output: 7, Status: 'SUCCEEDED', Input: { a: 1 } } });
    expect(host.children[0]).toMatchObject({
      kind: 'execution',
      functionName: 'child',
      payload: { a: 1 },
      execution: { name: 'c', integration: 'sync2' },
    });
    const events = [...host.written, ...pendingEvents];
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2].taskScheduledEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    expect(JSON.parse((events[4].taskSubmittedEventDetails as { output: string }).output)).toEqual({
      ExecutionArn: child('RUNNING').executionArn,
      StartDate: 1000,
    });
  });

  test('records TaskSubmitted before TaskFailed when the .sync child failed', async () => {
    const host = new NestingHost(child('FAILED', { error: 'E', cause: 'c', stopDate: 2000 }));
    const { outcome, pendingEvents } = await runExecution(
      machine('arn:aws:states:::states:startExecution.sync', { StateMachineArn: CHILD_ARN }),
      {},
      EXECUTION,
      host,
    );
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    const types = [...host.written, ...pendingEvents].map((e) => e.type);
    expect(types.slice(2, 6)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed']);
  });
});
