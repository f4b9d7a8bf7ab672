import { DomainError, type DomainErrorCode } from '../../service/errors';
import { ApiError, isDataException } from '../errors';

/** An error of the Step Functions JSON protocol: `{"__type": type, "message": ...}`. */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SfnError';
  }
}

/** Domain error codes → Step Functions error types: the one place the protocol names a use case's refusal. */
const FROM_DOMAIN: Record<Exclude<DomainErrorCode, 'SERVICE_UNAVAILABLE'>, string> = {
  STATE_MACHINE_NOT_FOUND: 'StateMachineDoesNotExist',
  EXECUTION_NOT_FOUND: 'ExecutionDoesNotExist',
  EXECUTION_ALREADY_EXISTS: 'ExecutionAlreadyExists',
  STATE_MACHINE_ALREADY_EXISTS: 'StateMachineAlreadyExists',
  INVALID_DEFINITION: 'InvalidDefinition',
  INVALID_EXECUTION_INPUT: 'InvalidExecutionInput',
  VALIDATION_FAILED: 'ValidationException',
  JSON_TOO_DEEP: 'SerializationException',
  INVALID_CURSOR: 'InvalidToken',
  ACTIVITY_NOT_FOUND: 'ActivityDoesNotExist',
  TASK_DOES_NOT_EXIST: 'TaskDoesNotExist',
  EXECUTION_NOT_REDRIVABLE: 'ExecutionNotRedrivable',
  TASK_TIMED_OUT: 'TaskTimedOut',
  INVALID_TOKEN: 'InvalidToken',
  INVALID_OUTPUT: 'InvalidOutput',
  RESOURCE_NOT_FOUND: 'ResourceNotFound',
  TOO_MANY_TAGS: 'TooManyTags',
  CONFLICT: 'ConflictException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
};

/** How Step Functions words the refusal of a resource that does not exist, before the ARN. */
const NOT_FOUND_WORDING: Partial<Record<DomainErrorCode, string>> = {
  STATE_MACHINE_NOT_FOUND: 'State Machine Does Not Exist',
  EXECUTION_NOT_FOUND: 'Execution Does Not Exist',
};

/**
 * Awaits a use case on the resource `arn` names: its refusal for a missing state machine or
 * execution names the ARN as Step Functions does (the use case only knows the stored name).
 */
export async function namingArn<T>(arn: string, result: Promise<T>): Promise<T> {
  try {
    return await result;
  } catch (err) {
    const wording = err instanceof DomainError ? NOT_FOUND_WORDING[err.code] : undefined;
    if (err instanceof DomainError && wording)
      throw new SfnError(FROM_DOMAIN[err.code as 'EXECUTION_NOT_FOUND'], `${wording}: '${arn}'`);
    throw err;
  }
}

/** Maps anything a use case threw onto the protocol's error, or undefined when it is internal. */
export function toSfnError(err: unknown): SfnError | undefined {
  if (err instanceof SfnError) return err;
  if (isDataException(err))
    return new SfnError('ValidationException', 'A value in the request is malformed or out of range');
  // The HTTP layer's own refusals (a body nested too deep, read before any action runs).
  if (err instanceof ApiError && err.code === 'JSON_TOO_DEEP')
    return new SfnError('SerializationException', err.message);
  if (err instanceof DomainError) {
    if (err.code === 'SERVICE_UNAVAILABLE') return new SfnError('ServiceUnavailable', err.message, 503);
    const type = FROM_DOMAIN[err.code];
    const message =
      err.code === 'INVALID_DEFINITION' && err.problems
        ? `Invalid State Machine Definition: '${err.problems.map((p) => `${p.code}: ${p.message.trimEnd()} at /${p.path.replace(/^\//, '')}`).join(', ')}'`
        : err.code === 'INVALID_CURSOR'
          ? `Invalid Token: 'Invalid token'`
          : err.message;
    return new SfnError(type, message);
  }
  return undefined;
}
