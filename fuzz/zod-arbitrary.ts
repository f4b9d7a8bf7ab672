import fc from 'fast-check';
import type { z } from 'zod';

/** Per-field overrides: a member name (or `parent.member`) to the arbitrary to use for its value. */
export type FieldOverrides = Record<string, fc.Arbitrary<unknown> | undefined>;

/** How deep recursive schemas (Choice rules, sub-machines, JSON) may go in generated values. */
const MAX_DEPTH = 4;

/** A JSON value of bounded size, with the characters that break stores and parsers mixed in. */
export function jsonValue(depth = 3): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, ''), weight: 3 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 3 },
      { arbitrary: fc.integer(), weight: 2 },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
      { arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }), weight: 1 },
    ),
  })).value;
}

function stringOf(def: z.core.$ZodStringDef): fc.Arbitrary<string> {
  let minLength = 0;
  let maxLength = 24;
  let pattern: RegExp | undefined;
  for (const check of def.checks ?? []) {
    const c = check._zod.def as unknown as {
      check: string;
      minimum?: number;
      maximum?: number;
      pattern?: RegExp;
      format?: string;
    };
    if (c.check === 'min_length') minLength = c.minimum ?? 0;
    if (c.check === 'max_length') maxLength = Math.min(c.maximum ?? maxLength, 64);
    if (c.check === 'string_format' && c.pattern instanceof RegExp) pattern = c.pattern;
  }
  if (pattern) {
    const source = pattern;
    return fc.stringMatching(source).filter((s) => s.length >= minLength && s.length <= Math.max(maxLength, minLength));
  }
  return fc.string({ unit: 'grapheme', minLength, maxLength: Math.max(minLength, maxLength) });
}

function numberOf(def: z.core.$ZodNumberDef & { format?: string }): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let integer = def.format === 'safeint' || def.format === 'int32';
  for (const check of def.checks ?? []) {
    const c = check._zod.def as unknown as { check: string; value?: number; inclusive?: boolean; format?: string };
    if (c.check === 'greater_than') min = (c.value ?? min) + (c.inclusive ? 0 : 1);
    if (c.check === 'less_than') max = (c.value ?? max) - (c.inclusive ? 0 : 1);
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) integer = true;
  }
  min = Math.max(min, -1e9);
  max = Math.min(max, Math.max(min, 1e9));
  // The bounds themselves are where off-by-one bugs live.
  const edges = fc.constantFrom(min, max);
  const inside = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true });
  return fc.oneof({ arbitrary: inside, weight: 4 }, { arbitrary: edges, weight: 1 });
}

/**
 * An arbitrary of values the zod schema describes (zod 4 introspection): objects with their
 * required members and a random subset of optional ones, strings within their length and pattern,
 * numbers within their bounds (edges included), unions, records and arrays. `overrides` replaces
 * the value of a member by name; unknown or opaque schemas become any JSON value.
 */
export function arbitraryOf(schema: z.ZodType, overrides: FieldOverrides = {}, depth = 0): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: z.core.$ZodTypeDef } })._zod.def as z.core.$ZodTypes['_zod']['def'];
  const next = (inner: unknown) => arbitraryOf(inner as z.ZodType, overrides, depth + 1);
  switch (def.type) {
    case 'string':
      return stringOf(def);
    case 'number':
      return numberOf(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return next(def.innerType);
    case 'pipe':
      return next(def.in);
    case 'lazy':
      return depth >= MAX_DEPTH ? jsonValue(1) : next(def.getter());
    case 'union': {
      const options = (def.options as unknown[]).map(next);
      return fc.oneof(...options);
    }
    case 'array': {
      let maxLength = depth >= MAX_DEPTH ? 1 : 3;
      let minLength = 0;
      for (const check of def.checks ?? []) {
        const c = check._zod.def as unknown as { check: string; minimum?: number; maximum?: number };
        if (c.check === 'min_length') minLength = c.minimum ?? 0;
        if (c.check === 'max_length') maxLength = Math.min(c.maximum ?? maxLength, maxLength);
      }
      return fc.array(next(def.element), { minLength, maxLength: Math.max(minLength, maxLength) });
    }
    case 'record':
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }),
        depth >= MAX_DEPTH ? jsonValue(1) : next(def.valueType),
        { maxKeys: 3 },
      );
    case 'object':
      return objectOf(def.shape as Record<string, z.ZodType>, overrides, depth);
    default:
      return jsonValue(depth >= MAX_DEPTH ? 1 : 2);
  }
}

function isOptional(schema: z.ZodType): boolean {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin === 'optional';
}

/** An object of the shape's required members and a random subset of its optional ones. */
export function objectOf(
  shape: Record<string, z.ZodType>,
  overrides: FieldOverrides = {},
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [key, member] of Object.entries(shape)) {
    members[key] = overrides[key] ?? arbitraryOf(member, overrides, depth + 1);
    if (!isOptional(member)) required.push(key);
  }
  return fc.record(members, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}
