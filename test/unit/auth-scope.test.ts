import { requiredScope } from '../../engine/api/auth';

describe('requiredScope', () => {
  test('ignores X-Amz-Target on REST routes', () => {
    const target = 'AWSStepFunctions.ListExecutions';
    expect(requiredScope('POST', '/v1/state-machines', target)).toBe('admin');
    expect(requiredScope('POST', '/v1/executions/:executionId/stop', target)).toBe('execute');
    expect(requiredScope('DELETE', '/v1/activities/:name', target)).toBe('admin');
    expect(requiredScope('POST', '/v1/test-state', 'AWSStepFunctions.DescribeExecution')).toBe('admin');
    expect(requiredScope('POST', undefined, target)).toBe('admin');
  });

  test('takes the scope from the action on the Step Functions protocol route', () => {
    expect(requiredScope('POST', '/', 'AWSStepFunctions.ListExecutions')).toBe('read');
    expect(requiredScope('POST', '/', 'AWSStepFunctions.StartExecution')).toBe('execute');
    expect(requiredScope('POST', '/', 'AWSStepFunctions.CreateStateMachine')).toBe('admin');
  });

  test('needs admin on the protocol route when the action is missing or malformed', () => {
    expect(requiredScope('POST', '/', undefined)).toBe('admin');
    expect(requiredScope('POST', '/', 'ListExecutions')).toBe('admin');
    expect(requiredScope('POST', '/', 'AWSStepFunctions.ListExecutions.x')).toBe('admin');
    expect(requiredScope('POST', '/', 'Other.DescribeExecution AWSStepFunctions.ListExecutions')).toBe('admin');
  });
});
