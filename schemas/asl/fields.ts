import { z } from 'zod';

/**
 * Shared field groups ("mixins") of ASL states, as zod shapes to spread into a state schema, plus
 * the retrier and catcher schemas. Every object is strict: an unknown field is a problem, as in
 * AWS. Cross-field rules (a field and its `…Path` twin, `Next` xor `End`, path syntax) are checked
 * by `engine/core/validate`, which reports them even when other fields are malformed.
 */

/** `QueryLanguage`: `"JSONPath"` (the default) or `"JSONata"`. */
export const QueryLanguageSchema = z.enum(['JSONPath', 'JSONata']);
/** A query language name. */
export type QueryLanguage = z.infer<typeof QueryLanguageSchema>;
/** The language a state uses when neither it nor the machine sets `QueryLanguage`. */
export const DEFAULT_QUERY_LANGUAGE: QueryLanguage = 'JSONPath';

/** A positive integer field (`TimeoutSeconds`, `HeartbeatSeconds`, `IntervalSeconds`, …). */
export function positiveInteger(field: string) {
  return z.int().min(1, { error: `The field '${field}' must be a positive integer` });
}

/** AWS's upper bound for `TimeoutSeconds` (Task and machine) and `HeartbeatSeconds`. */
export const TIMEOUT_SECONDS_MAX = 99_999_999;

/** `TimeoutSeconds` / `HeartbeatSeconds`: a positive integer up to TIMEOUT_SECONDS_MAX. */
export function timeoutSeconds(field: string) {
  return positiveInteger(field).max(TIMEOUT_SECONDS_MAX, {
    error: `The field '${field}' must be at most ${TIMEOUT_SECONDS_MAX}`,
  });
}

/** A non-negative integer field (`MaxAttempts`, `MaxConcurrency`, Wait `Seconds`, …). */
export function nonNegativeInteger(field: string) {
  return z.int().min(0, { error: `The field '${field}' must be a non-negative integer` });
}

/**
 * A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`): any JSON; keys
 * ending in `.$` hold a path or an intrinsic call (checked by the validator).
 */
export const PayloadTemplateSchema = z.json();
/** A payload template that must be a JSON object (`ResultSelector`, `ItemSelector`). */
export const ObjectTemplateSchema = z.record(z.string(), z.json());

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; region and account may be empty (`arn:aws:states:::lambda:invoke`). */
const ARN = /^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/;

/**
 * A `Resource` (Task, `Compensate`, `ItemReader`, `ResultWriter`): the ASL says a URI, AWS
 * requires an ARN and says so in these words.
 */
export const ResourceArnSchema = z.string().regex(ARN, { error: 'Value is not a valid resource ARN' });

/** `Type`, `Comment`, `QueryLanguage`: on every state. */
export const CommonStateFields = {
  Comment: z.string().optional(),
  QueryLanguage: QueryLanguageSchema.optional(),
};

/** `InputPath` and `OutputPath` (JSONPath only); `null` means "use `{}`". */
export const InputOutputPathFields = {
  InputPath: z.string().nullable().optional(),
  OutputPath: z.string().nullable().optional(),
};

/** `Next` or `"End": true` (exactly one; checked by the validator). */
export const TransitionFields = {
  Next: z.string().optional(),
  End: z.boolean().optional(),
};

/** `ResultSelector` and `ResultPath` (`null` discards the result). */
export const ResultFields = {
  ResultSelector: ObjectTemplateSchema.optional(),
  ResultPath: z.string().nullable().optional(),
};

/** `ErrorEquals`: a non-empty list of error names. */
export const ErrorEqualsSchema = z.array(z.string()).min(1, { error: 'Value cannot be empty' });

/** Retry defaults from the ASL specification, applied when a retrier omits the field. */
export const RETRY_DEFAULTS = {
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2.0,
  JitterStrategy: 'NONE',
} as const;

/** AWS's upper bound for `IntervalSeconds` and `MaxAttempts`. */
export const RETRY_FIELD_MAX = 99_999_999;
/** AWS's upper bound for `MaxDelaySeconds` (one year and a day, in seconds). */
export const MAX_DELAY_SECONDS_MAX = 31_622_400;

/**
 * A retrier: `ErrorEquals`, `IntervalSeconds` (≥ 1), `MaxAttempts` (≥ 0; 0 = never retry),
 * `BackoffRate` (≥ 1.0), `MaxDelaySeconds` (1 … 31,622,400), `JitterStrategy` (FULL | NONE).
 */
export const RetrierSchema = z.strictObject({
  ErrorEquals: ErrorEqualsSchema,
  IntervalSeconds: positiveInteger('IntervalSeconds')
    .max(RETRY_FIELD_MAX, { error: `The field 'IntervalSeconds' must be at most ${RETRY_FIELD_MAX}` })
    .optional(),
  MaxAttempts: nonNegativeInteger('MaxAttempts')
    .max(RETRY_FIELD_MAX, { error: `The field 'MaxAttempts' must be at most ${RETRY_FIELD_MAX}` })
    .optional(),
  BackoffRate: z.number().min(1, { error: "The field 'BackoffRate' must be at least 1.0" }).optional(),
  MaxDelaySeconds: positiveInteger('MaxDelaySeconds')
    .max(MAX_DELAY_SECONDS_MAX, {
      error: `The field 'MaxDelaySeconds' must be at most ${MAX_DELAY_SECONDS_MAX}`,
    })
    .optional(),
  JitterStrategy: z.enum(['FULL', 'NONE']).optional(),
  Comment: z.string().optional(),
});
/** A retrier. */
export type Retrier = z.infer<typeof RetrierSchema>;

/**
 * `Assign`: workflow variables to set, by name (both query languages). In JSONPath a `name.$` key
 * takes a path or intrinsic; in JSONata values may hold `{% %}` expressions.
 */
export const AssignSchema = z.record(z.string(), z.json());

/** `Assign` on the states that take it (Task, Pass, Choice, Wait, Parallel, Map). */
export const AssignFields = {
  Assign: AssignSchema.optional(),
};

/** A catcher: `ErrorEquals`, `Next`, `ResultPath` for the error output (default `$`) and `Assign`. */
export const CatcherSchema = z.strictObject({
  ErrorEquals: ErrorEqualsSchema,
  Next: z.string(),
  ResultPath: z.string().nullable().optional(),
  Assign: AssignSchema.optional(),
  Comment: z.string().optional(),
});
/** A catcher. */
export type Catcher = z.infer<typeof CatcherSchema>;

/** `Retry` and `Catch`: on Task, Parallel and Map only. */
export const ErrorHandlingFields = {
  Retry: z.array(RetrierSchema).optional(),
  Catch: z.array(CatcherSchema).optional(),
};
