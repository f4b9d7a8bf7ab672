import { toApiError } from '../../engine/api/errors';
import { toSfnError } from '../../engine/api/sfn/errors';
import { StatesError } from '../../engine/core/errors';
import { DOMAIN_ERROR_CODES, DomainError } from '../../engine/service/errors';
import { toChildError } from '../../engine/service/start-child';

describe('domain errors, mapped by each caller in one place', () => {
  test('every domain code has a REST status and a Step Functions type', () => {
    for (const code of DOMAIN_ERROR_CODES) {
      const err = new DomainError(code, `refused: ${code}`);
      expect(toApiError(err)).toMatchObject({ code, message: `refused: ${code}` });
      expect(toSfnError(err)?.type).toEqual(expect.any(String));
    }
  });

  test('REST keeps the code and answers its status', () => {
    expect(toApiError(new DomainError('STATE_MACHINE_NOT_FOUND', 'gone'))).toMatchObject({ status: 404 });
    expect(toApiError(new DomainError('EXECUTION_ALREADY_EXISTS', 'taken'))).toMatchObject({ status: 409 });
    expect(toApiError(new DomainError('SERVICE_UNAVAILABLE', 'retry'))).toMatchObject({ status: 503 });
    expect(toApiError(new DomainError('JSON_TOO_DEEP', 'deep'))).toMatchObject({ status: 400 });
    expect(toApiError(new DomainError('INVALID_SIGNATURE', 'unsigned'))).toMatchObject({ status: 401 });
    expect(toApiError(new Error('internal'))).toBeUndefined();
  });

  test('the Step Functions protocol names the __type and formats definition problems', () => {
    expect(toSfnError(new DomainError('EXECUTION_NOT_FOUND', 'gone'))).toMatchObject({
      type: 'ExecutionDoesNotExist',
      status: 400,
    });
    expect(toSfnError(new DomainError('SERVICE_UNAVAILABLE', 'retry'))).toMatchObject({
      type: 'ServiceUnavailable',
      status: 503,
    });
    const invalid = new DomainError('INVALID_DEFINITION', 'bad', [
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/Resource',
        message: 'Express state machine does not support x ',
      },
    ]);
    expect(toSfnError(invalid)?.message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support x at /States/T/Resource'",
    );
  });

  test('the nested-execution path fails the Task with the StepFunctions.* error', () => {
    const request = { stateMachine: 'child', name: 'run-1', input: {}, alias: 'live', integration: 'sync' as const };
    const missing = toChildError(new DomainError('STATE_MACHINE_NOT_FOUND', 'gone'), request);
    expect(missing).toBeInstanceOf(StatesError);
    expect(missing).toMatchObject({
      error: 'StepFunctions.StateMachineDoesNotExistException',
      cause: expect.stringMatching(/^State Machine Does Not Exist: 'arn:.*:stateMachine:child:live'$/),
    });
    expect(toChildError(new DomainError('EXECUTION_ALREADY_EXISTS', 'taken'), request)).toMatchObject({
      error: 'StepFunctions.ExecutionAlreadyExistsException',
      cause: 'taken',
    });
    expect(toChildError(new DomainError('INVALID_EXECUTION_INPUT', 'too big'), request)).toMatchObject({
      error: 'StepFunctions.InvalidExecutionInputException',
    });
    const other = new Error('db down');
    expect(toChildError(other, request)).toBe(other);
  });
});
