import type { DefinitionProblem } from '../../schemas/asl/problem';

/** Every HTTP error code the API returns, with its status. One catalogue; codes are stable. */
export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  INVALID_DEFINITION: 400,
  INVALID_EXECUTION_INPUT: 400,
  STATE_MACHINE_NOT_FOUND: 404,
  EXECUTION_NOT_FOUND: 404,
  ACTIVITY_NOT_FOUND: 404,
  TASK_DOES_NOT_EXIST: 404,
  EXECUTION_NOT_REDRIVABLE: 409,
  TASK_TIMED_OUT: 409,
  INVALID_TOKEN: 400,
  INVALID_OUTPUT: 400,
  RESOURCE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  TOO_MANY_TAGS: 400,
  CONFLICT: 409,
  EXECUTION_ALREADY_EXISTS: 409,
  STATE_MACHINE_ALREADY_EXISTS: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error the API answers with its status and `{code, message, problems?}`. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly problems?: DefinitionProblem[],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERRORS[code];
  }
}
