import { requiredAccess } from '../../engine/api/auth';

describe('requiredAccess', () => {
  test('ignores X-Amz-Target on REST routes', () => {
    const target = 'AWSStepFunctions.ListExecutions';
    expect(requiredAccess('POST', '/v1/state-machines', target)).toBe('admin');
    expect(requiredAccess('POST', '/v1/executions/:executionId/stop', target)).toBe('execute');
    expect(requiredAccess('DELETE', '/v1/activities/:name', target)).toBe('admin');
    expect(requiredAccess('POST', '/v1/test-state', 'AWSStepFunctions.DescribeExecution')).toBe('execute');
    expect(requiredAccess('POST', undefined, target)).toBe('admin');
  });

  test("REST TestState needs execute, as the protocol's TestState does", () => {
    expect(requiredAccess('POST', '/v1/test-state', undefined)).toBe('execute');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.TestState')).toBe('execute');
  });

  test('takes the scope from the action on the Step Functions protocol route', () => {
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.ListExecutions')).toBe('read');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.StartExecution')).toBe('execute');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.CreateStateMachine')).toBe('admin');
  });

  test('needs admin on the protocol route when the action is missing, unknown or malformed', () => {
    expect(requiredAccess('POST', '/', undefined)).toBe('admin');
    expect(requiredAccess('POST', '/', 'ListExecutions')).toBe('admin');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.ListExecutions.x')).toBe('admin');
    expect(requiredAccess('POST', '/', 'Other.DescribeExecution AWSStepFunctions.ListExecutions')).toBe('admin');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.DescribeAnythingNew')).toBe('admin');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.__proto__')).toBe('admin');
    expect(requiredAccess('POST', '/', 'AWSStepFunctions.constructor')).toBe('admin');
  });

  test('a route missing from the table needs read for GET and HEAD, admin otherwise', () => {
    expect(requiredAccess('GET', '/v1/not-in-the-table', undefined)).toBe('read');
    expect(requiredAccess('HEAD', '/v1/not-in-the-table', undefined)).toBe('read');
    expect(requiredAccess('POST', '/v1/not-in-the-table', undefined)).toBe('admin');
    expect(requiredAccess('GET', '/docs/static/*', undefined)).toBe('public');
    expect(requiredAccess('POST', '/docs/json', undefined)).toBe('admin');
    expect(requiredAccess('GET', '/healthz', undefined)).toBe('public');
    expect(requiredAccess('HEAD', '/metrics', undefined)).toBe('read');
  });
});
