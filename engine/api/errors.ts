import type { DefinitionProblem } from '../../schemas/asl/problem';
import { DomainError, type DomainErrorCode } from '../service/errors';

/** Every HTTP error code the API returns, with its status. One catalogue; codes are stable. */
export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  /** A JSON body (or JSON text inside one) nested deeper than MAX_JSON_DEPTH. */
  JSON_TOO_DEEP: 400,
  /** A `next` cursor this API did not return. */
  INVALID_CURSOR: 400,
  INVALID_DEFINITION: 400,
  INVALID_EXECUTION_INPUT: 400,
  STATE_MACHINE_NOT_FOUND: 404,
  EXECUTION_NOT_FOUND: 404,
  ACTIVITY_NOT_FOUND: 404,
  NOTIFICATION_TARGET_NOT_FOUND: 404,
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
  /** A webhook delivery whose signature is missing, wrong or too old. */
  INVALID_SIGNATURE: 401,
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

/** The REST shape of a use case's refusal: same code, its HTTP status (every domain code has one). */
const REST_STATUS: Record<DomainErrorCode, number> = API_ERRORS;

/** Maps a use case's DomainError (or an ApiError of the HTTP layer) onto the REST error; undefined for anything else. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) {
    const rest = new ApiError(err.code, err.message, err.problems);
    return REST_STATUS[err.code] === rest.status ? rest : undefined;
  }
  return undefined;
}

/**
 * A Postgres "data exception" (SQLSTATE class 22: a malformed date, number or text in a query
 * parameter). Only a request's own values reach queries as parameters, so this is the caller's
 * error (400), never a 500 — a safety net behind the explicit checks of cursors and fields.
 */
export function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^22[0-9A-Z]{3}$/.test(code) &&
    typeof (err as { severity?: unknown }).severity === 'string'
  );
}
