import { z } from 'zod';

/**
 * The catalogue of definition problem codes: the one place they are spelled. Where AWS Step
 * Functions has a code for the same rule (ValidateStateMachineDefinition `diagnostics[].code`,
 * CreateStateMachine `InvalidDefinition` messages) we use AWS's code, so the Step Functions
 * protocol can pass problems through unchanged; the message tells the rules apart.
 */
export const DefinitionProblemCodes = {
  /** The definition string is not JSON at all (AWS says `INVALID_JSON_DESCRIPTION`). */
  INVALID_JSON: 'INVALID_JSON',
  /**
   * AWS's code for every structural or field-level rule: a missing or unknown field, a wrong
   * type, a value out of range, a bad path or intrinsic, a Choice rule of the wrong shape.
   */
  SCHEMA_VALIDATION_FAILED: 'SCHEMA_VALIDATION_FAILED',
  /** AWS: a `Next`, `Default`, Catch `Next` or `StartAt` names no state in its scope, or a state is not reachable. */
  MISSING_TRANSITION_TARGET: 'MISSING_TRANSITION_TARGET',
  /** AWS: the top-level machine has no terminal state (`"End": true`, Succeed or Fail). */
  MISSING_END_STATE: 'MISSING_END_STATE',
  /** AWS: two states share a name; names are unique across the whole machine, branches included. */
  DUPLICATE_STATE_NAME: 'DUPLICATE_STATE_NAME',
  /** AWS: a Map Run `Label` is too long or holds a character AWS refuses in names. */
  INVALID_LABEL_NAME: 'INVALID_LABEL_NAME',
  /** AWS: two Map states share a `Label`; labels are unique across the whole machine. */
  DUPLICATE_LABEL_NAME: 'DUPLICATE_LABEL_NAME',
  /** Stepflow: valid ASL that Stepflow does not run yet (e.g. `"QueryLanguage": "JSONata"`, `Assign`). */
  UNSUPPORTED_FEATURE: 'UNSUPPORTED_FEATURE',
} as const;

/** One of {@link DefinitionProblemCodes}. */
export const DefinitionProblemCodeSchema = z.enum([
  DefinitionProblemCodes.INVALID_JSON,
  DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
  DefinitionProblemCodes.MISSING_TRANSITION_TARGET,
  DefinitionProblemCodes.MISSING_END_STATE,
  DefinitionProblemCodes.DUPLICATE_STATE_NAME,
  DefinitionProblemCodes.INVALID_LABEL_NAME,
  DefinitionProblemCodes.DUPLICATE_LABEL_NAME,
  DefinitionProblemCodes.UNSUPPORTED_FEATURE,
]);

/** A problem code, e.g. `SCHEMA_VALIDATION_FAILED`. */
export type DefinitionProblemCode = z.infer<typeof DefinitionProblemCodeSchema>;

/**
 * One thing wrong with a state machine definition. `path` is an RFC 6901 JSON pointer into the
 * definition (`""` is the whole document, `"/States/Foo/Next"` a field; array items by index,
 * `"/States/C/Choices/0/Next"`). AWS prints the root as `/` and array items as `[0]`.
 */
export const DefinitionProblemSchema = z.object({
  code: DefinitionProblemCodeSchema,
  path: z.string(),
  message: z.string(),
});

/** One thing wrong with a state machine definition: `{ code, path (JSON pointer), message }`. */
export type DefinitionProblem = z.infer<typeof DefinitionProblemSchema>;
