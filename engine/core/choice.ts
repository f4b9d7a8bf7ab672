import { StatesError, StatesErrors } from './errors';
import { PathNotFoundError, readPath, readPathOrRuntimeError } from './paths';

/** A Choice rule as written in a definition (the zod schema lives in `schemas/`). */
export type ChoiceRule = Record<string, unknown>;

/** AWS's cause for "States.NoChoiceMatched" (not recorded; wording ours). */
export const NO_CHOICE_MATCHED_CAUSE = 'No Choice rule matched and no Default state was specified';

type Ordering = -1 | 0 | 1;
type Test = (ordering: Ordering) => boolean;
const TESTS: Record<string, Test> = {
  Equals: (o) => o === 0,
  LessThan: (o) => o < 0,
  GreaterThan: (o) => o > 0,
  LessThanEquals: (o) => o <= 0,
  GreaterThanEquals: (o) => o >= 0,
};

const order = <T>(a: T, b: T): Ordering => (a < b ? -1 : a > b ? 1 : 0);

/** A comparison family: how to order a variable and a value, or undefined when either has the wrong type. */
type Family = (variable: unknown, value: unknown) => Ordering | undefined;
const FAMILIES: Record<string, Family> = {
  // Java String.compareTo compares UTF-16 code units, as JavaScript's < does.
  String: (a, b) => (typeof a === 'string' && typeof b === 'string' ? order(a, b) : undefined),
  Numeric: (a, b) => (typeof a === 'number' && typeof b === 'number' ? order(a, b) : undefined),
  Timestamp: (a, b) => {
    const [x, y] = [parseTimestamp(a), parseTimestamp(b)];
    return x && y ? order(x[0], y[0]) || order(x[1], y[1]) : undefined;
  },
};

const TYPE_TESTS: Record<string, (value: unknown) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => parseTimestamp(v) !== undefined,
};

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp as ASL requires (uppercase `T`; `Z` or a numeric offset; 0–9
 * fractional digits) into [epoch seconds, nanoseconds], or undefined when it is not one.
 */
export function parseTimestamp(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (m[8] !== 'Z' && (Number(m[10]) > 18 || Number(m[11]) > 59)) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear restores the literal year.
  const date = new Date(utc);
  date.setUTCFullYear(year);
  return [date.getTime() / 1000 - offsetMinutes * 60, Number((m[7] ?? '').padEnd(9, '0'))];
}

/**
 * "StringMatches": `*` matches any run of characters (including none); `\*` is a literal `*` and
 * `\\` a literal backslash; every other character matches itself.
 */
export function stringMatches(value: string, pattern: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) regex += `\\${pattern[++i]}`;
    else if (char === '*') regex += '.*';
    else regex += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`, 's').test(value);
}

const RULE_META = new Set(['Variable', 'Next', 'Comment', 'Assign', 'Output']);

function operatorOf(rule: ChoiceRule): string {
  const operators = Object.keys(rule).filter((k) => !RULE_META.has(k));
  if (operators.length !== 1) {
    throw new StatesError(
      StatesErrors.Runtime,
      `A Choice rule must have exactly one comparison operator, found: ${operators.join(', ') || 'none'}`,
    );
  }
  return operators[0];
}

/** A comparison rule's operator and what it compares with, worked out once per rule object. */
interface Comparison {
  operator: string;
  /** A `…Path` operator: the value to compare with is read at the operator's path. */
  byPath: boolean;
  /** The operator without `Path`. */
  base: string;
  /** The comparison family of `base` (String, Numeric, Timestamp); undefined for an unknown operator. */
  family: string | undefined;
  /** The test of `base` after its family (`LessThan` of `NumericLessThan`), looked up once. */
  test?: Test;
}

/**
 * Comparisons by rule object: a plan is never changed once compiled, so a rule's operator is the
 * same at every evaluation. A rule without exactly one operator is not stored (it fails each time).
 */
const COMPARISONS = new WeakMap<ChoiceRule, Comparison>();

function comparisonOf(rule: ChoiceRule): Comparison {
  let comparison = COMPARISONS.get(rule);
  if (comparison === undefined) {
    const operator = operatorOf(rule);
    const byPath = operator.endsWith('Path');
    const base = byPath ? operator.slice(0, -'Path'.length) : operator;
    const family = Object.keys(FAMILIES).find((f) => base.startsWith(f) && base.slice(f.length) in TESTS);
    const test = family === undefined ? undefined : TESTS[base.slice(family.length)];
    comparison = { operator, byPath, base, family, test };
    COMPARISONS.set(rule, comparison);
  }
  return comparison;
}

/** One comparison a Choice rule made, with the values it compared (see docs/history-extensions.md). */
export interface ChoiceComparison {
  variable: string;
  operator: string;
  expected: unknown;
  /** The value at `variable` (absent when it selected nothing, under `IsPresent`). */
  actual?: unknown;
  result: boolean;
}

/**
 * Evaluates one Choice rule: "And"/"Or"/"Not" combine nested rules; a comparison reads its
 * "Variable" path and compares it with the operator's value (or, for `...Path` operators, the
 * value at that path). A type mismatch is false, never an error. A missing "Variable" (or
 * `...Path` value) fails with `States.Runtime`, except under "IsPresent".
 */
export function evaluateChoiceRule(
  rule: ChoiceRule,
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
  /** Receives every comparison made, in order, with the values compared. */
  trace?: ChoiceComparison[],
): boolean {
  if (Array.isArray(rule.And))
    return rule.And.every((r: unknown) => evaluateChoiceRule(r as ChoiceRule, input, context, variables, trace));
  if (Array.isArray(rule.Or))
    return rule.Or.some((r: unknown) => evaluateChoiceRule(r as ChoiceRule, input, context, variables, trace));
  if (rule.Not !== undefined) return !evaluateChoiceRule(rule.Not as ChoiceRule, input, context, variables, trace);

  const { operator, byPath, base, family, test } = comparisonOf(rule);
  const expected = rule[operator];
  const path = rule.Variable as string;
  if (operator === 'IsPresent') {
    try {
      const actual = readPath(path, input, context, variables);
      return traced(trace, { variable: path, operator, expected, actual, result: expected === true });
    } catch (err) {
      if (err instanceof PathNotFoundError)
        return traced(trace, { variable: path, operator, expected, result: expected === false });
      throw err;
    }
  }
  const variable = readPathOrRuntimeError(path, input, context, variables);
  // No closure per comparison: the result is traced once, with the value compared against.
  let value = expected;
  let result: boolean;
  if (operator in TYPE_TESTS) result = TYPE_TESTS[operator](variable) === expected;
  else if (operator === 'StringMatches')
    result = typeof variable === 'string' && typeof expected === 'string' && stringMatches(variable, expected);
  else {
    if (byPath) value = readPathOrRuntimeError(expected as string, input, context, variables);
    if (base === 'BooleanEquals') result = typeof variable === 'boolean' && variable === value;
    else if (!family || !test)
      throw new StatesError(StatesErrors.Runtime, `Unknown Choice comparison operator '${operator}'`);
    else {
      const ordering = FAMILIES[family](variable, value);
      result = ordering !== undefined && test(ordering);
    }
  }
  return traced(trace, { variable: path, operator, expected: value, actual: variable, result });
}

function traced(trace: ChoiceComparison[] | undefined, comparison: ChoiceComparison): boolean {
  trace?.push(comparison);
  return comparison.result;
}

/**
 * Runs a Choice state: the "Next" of the first rule in "Choices" that matches, else "Default";
 * with neither, fails with `States.NoChoiceMatched`.
 */
export function selectChoice(
  state: { Choices: ChoiceRule[]; Default?: string },
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): string {
  const match = state.Choices.find((rule) => evaluateChoiceRule(rule, input, context, variables));
  if (match) return match.Next as string;
  if (state.Default !== undefined) return state.Default;
  throw new StatesError(StatesErrors.NoChoiceMatched, NO_CHOICE_MATCHED_CAUSE);
}
