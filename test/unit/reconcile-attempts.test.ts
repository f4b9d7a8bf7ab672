import { attemptsBeforeEnding } from '../../engine/service/reconcile';

const config = { STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS: 6, STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS: 20 };

describe('attemptsBeforeEnding: when the reconciler gives up on a workflow task', () => {
  test('a task that failed (a poison execution) ends at STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS', () => {
    expect(
      attemptsBeforeEnding(
        ['category=WorkflowTaskFailed', 'cause=WorkflowTaskFailedCauseWorkflowWorkerUnhandledFailure'],
        config,
      ),
    ).toBe(6);
  });

  test('a task that only timed out (a lost or starved worker) ends at STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS', () => {
    expect(
      attemptsBeforeEnding(['category=WorkflowTaskTimedOut', 'cause=WorkflowTaskTimedOutCauseStartToClose'], config),
    ).toBe(20);
  });

  test('a failure among timeouts counts as a failure', () => {
    expect(attemptsBeforeEnding(['category=WorkflowTaskTimedOut', 'category=WorkflowTaskFailed'], config)).toBe(6);
  });

  test('problems Temporal did not describe count as failures', () => {
    expect(attemptsBeforeEnding(undefined, config)).toBe(6);
    expect(attemptsBeforeEnding([], config)).toBe(6);
    expect(attemptsBeforeEnding('category=WorkflowTaskTimedOut', config)).toBe(6);
  });
});
