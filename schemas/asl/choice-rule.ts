import { z } from 'zod';
import { TimestampSchema } from './timestamp';

/**
 * Choice rules (JSONPath): one recursive object shape carrying every operator as an optional
 * field, so a rule with a misspelt or extra operator gets a precise message. "Exactly one
 * operator per rule", "`Variable` on comparisons only" and "`Next` on top-level rules only" are
 * checked by `engine/core/validate`.
 */

/** String comparators whose operand is a literal string; each also has a `…Path` form. */
export const STRING_COMPARATORS = [
  'StringEquals',
  'StringLessThan',
  'StringGreaterThan',
  'StringLessThanEquals',
  'StringGreaterThanEquals',
] as const;
/** Numeric comparators; each also has a `…Path` form. */
export const NUMERIC_COMPARATORS = [
  'NumericEquals',
  'NumericLessThan',
  'NumericGreaterThan',
  'NumericLessThanEquals',
  'NumericGreaterThanEquals',
] as const;
/** Timestamp comparators (RFC 3339 operand); each also has a `…Path` form. */
export const TIMESTAMP_COMPARATORS = [
  'TimestampEquals',
  'TimestampLessThan',
  'TimestampGreaterThan',
  'TimestampLessThanEquals',
  'TimestampGreaterThanEquals',
] as const;
/** Type tests, whose operand is a boolean; they have no `…Path` form. */
export const TYPE_TEST_OPERATORS = [
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
] as const;
/** The comparators that have a `…Path` form comparing against another path. */
const WITH_PATH_FORM = [
  ...STRING_COMPARATORS,
  ...NUMERIC_COMPARATORS,
  'BooleanEquals',
  ...TIMESTAMP_COMPARATORS,
] as const;
/** The `…Path` comparators, e.g. `StringEqualsPath`; their operand is a path. */
export const PATH_COMPARATORS = WITH_PATH_FORM.map((op) => `${op}Path` as const);
/** Operators that combine other rules. */
export const BOOLEAN_OPERATORS = ['And', 'Or', 'Not'] as const;
/** Every operator that compares `Variable` with something. */
export const COMPARISON_OPERATORS = [
  ...WITH_PATH_FORM,
  ...PATH_COMPARATORS,
  'StringMatches',
  ...TYPE_TEST_OPERATORS,
] as const;

type PathComparator = `${(typeof WITH_PATH_FORM)[number]}Path`;

function shapeOf<K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) {
  return Object.fromEntries(keys.map((k) => [k, schema.optional()])) as Record<K, z.ZodOptional<S>>;
}

const comparatorFields = {
  ...shapeOf(STRING_COMPARATORS, z.string()),
  StringMatches: z.string().optional(),
  ...shapeOf(NUMERIC_COMPARATORS, z.number()),
  BooleanEquals: z.boolean().optional(),
  ...shapeOf(TIMESTAMP_COMPARATORS, TimestampSchema),
  ...shapeOf(TYPE_TEST_OPERATORS, z.boolean()),
  ...shapeOf(PATH_COMPARATORS as readonly PathComparator[], z.string()),
};

/** The fields of a Choice rule other than the recursive `And`/`Or`/`Not`. */
type ChoiceRuleFields = {
  [K in keyof typeof comparatorFields]?: z.infer<(typeof comparatorFields)[K]>;
} & { Variable?: string; Next?: string; Comment?: string; Assign?: Record<string, z.core.util.JSONType> };

/** A Choice rule: a comparison (`Variable` + one operator), or `And`/`Or`/`Not` over nested rules. */
export type ChoiceRule = ChoiceRuleFields & { And?: ChoiceRule[]; Or?: ChoiceRule[]; Not?: ChoiceRule };

/** A Choice rule, recursively. Top-level rules carry `Next`; nested ones must not. */
export const ChoiceRuleSchema: z.ZodType<ChoiceRule> = z.strictObject({
  Variable: z.string().optional(),
  Next: z.string().optional(),
  Comment: z.string().optional(),
  Assign: z.record(z.string(), z.json()).optional(),
  ...comparatorFields,
  get And() {
    return z.array(ChoiceRuleSchema).min(1, { error: 'Value cannot be empty' }).optional();
  },
  get Or() {
    return z.array(ChoiceRuleSchema).min(1, { error: 'Value cannot be empty' }).optional();
  },
  get Not() {
    return ChoiceRuleSchema.optional();
  },
});
