import type { DefinitionProblem } from '../../schemas/asl/problem';

/**
 * The catalogue of what a use case can refuse, named for the domain (not for HTTP): the REST
 * API (`engine/api/errors.ts`), the Step Functions protocol (`engine/api/sfn/errors.ts`) and the
 * nested-execution integration (`start-child.ts`) each map these to their own shape, in one place.
 */
export const DOMAIN_ERROR_CODES = [
  'VALIDATION_FAILED',
  /** JSON input (a webhook delivery, a queue message) nested deeper than MAX_JSON_DEPTH. */
  'JSON_TOO_DEEP',
  'INVALID_CURSOR',
  'INVALID_DEFINITION',
  'INVALID_EXECUTION_INPUT',
  'STATE_MACHINE_NOT_FOUND',
  'EXECUTION_NOT_FOUND',
  'ACTIVITY_NOT_FOUND',
  'TASK_DOES_NOT_EXIST',
  'EXECUTION_NOT_REDRIVABLE',
  'TASK_TIMED_OUT',
  'INVALID_TOKEN',
  'INVALID_OUTPUT',
  'RESOURCE_NOT_FOUND',
  'TOO_MANY_TAGS',
  'CONFLICT',
  'EXECUTION_ALREADY_EXISTS',
  'STATE_MACHINE_ALREADY_EXISTS',
  /** A webhook delivery whose signature is missing, wrong or too old (or whose hook is unknown). */
  'INVALID_SIGNATURE',
  /** A dependency (Temporal) is unavailable: the caller may retry. */
  'SERVICE_UNAVAILABLE',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** A use case's refusal: a code from the catalogue, a message for people, and definition problems. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly problems?: DefinitionProblem[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
