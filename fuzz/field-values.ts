import fc from 'fast-check';
import {
  ACCOUNT,
  BAD_PATHS,
  ERROR_NAMES,
  FUZZ_FUNCTIONS,
  INTRINSICS,
  JSONATA,
  ODD_VARIABLE_NAMES,
  PATHS,
  POISON_INTRINSICS,
  POISON_JSONATA,
  REFERENCE_PATHS,
  TIMESTAMPS,
  VARIABLE_NAMES,
} from './language-pools';
import { jsonValue } from './zod-arbitrary';

/** Options of the definition generator (see definitions.ts). */
export interface DefinitionOptions {
  tame: boolean;
}

export function variableNameArb(opts: DefinitionOptions): fc.Arbitrary<string> {
  return opts.tame
    ? fc.constantFrom(...VARIABLE_NAMES)
    : fc.oneof(
        { arbitrary: fc.constantFrom(...VARIABLE_NAMES), weight: 8 },
        { arbitrary: fc.constantFrom(...ODD_VARIABLE_NAMES), weight: 1 },
      );
}

export function referencePathArb(opts: DefinitionOptions): fc.Arbitrary<string> {
  return opts.tame
    ? fc.constantFrom(...REFERENCE_PATHS)
    : fc.oneof({ arbitrary: fc.constantFrom(...REFERENCE_PATHS), weight: 10 }, { arbitrary: pathArb(opts), weight: 1 });
}

/** A value of the pool; in wild definitions one in six is known poison (unbounded cost today). */
export function pool(values: string[], opts: DefinitionOptions, poison: string[] = []): fc.Arbitrary<string> {
  if (opts.tame || poison.length === 0) return fc.constantFrom(...values);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...values), weight: 5 },
    { arbitrary: fc.constantFrom(...poison), weight: 1 },
  );
}

export function pathArb(opts: DefinitionOptions): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...PATHS), weight: 12 },
    { arbitrary: pool(INTRINSICS, opts, POISON_INTRINSICS), weight: 3 },
    { arbitrary: fc.constantFrom(...BAD_PATHS), weight: 1 },
    { arbitrary: fc.string({ maxLength: 8 }).map((s) => `$.${s}`), weight: 1 },
  );
}

export function jsonataArb(opts: DefinitionOptions): fc.Arbitrary<string> {
  return pool(JSONATA, opts, POISON_JSONATA);
}

/** A JSONPath payload template: literals, and `key.$` members holding a path or an intrinsic. */
export function templateArb(opts: DefinitionOptions): fc.Arbitrary<Record<string, unknown>> {
  const member = fc.oneof(
    fc.tuple(fc.constantFrom('a', 'b', 'FunctionName', 'Payload', 'items', '__proto__', 'constructor'), jsonValue(2)),
    fc.tuple(fc.constantFrom('a.$', 'b.$', 'Payload.$', 'items.$', '__proto__.$', 'x.$'), pathArb(opts)),
    fc.tuple(fc.constant('FunctionName'), fc.constantFrom(...FUZZ_FUNCTIONS, 'missing', `${ACCOUNT}:echo`)),
  );
  return fc.array(member, { maxLength: 4 }).map((members) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of members)
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** A JSONata template: an expression, or an object/array with expressions inside. */
export function jsonataTemplateArb(opts: DefinitionOptions): fc.Arbitrary<unknown> {
  return fc.oneof(
    jsonataArb(opts),
    fc.dictionary(
      fc.constantFrom('a', 'b', 'FunctionName', 'Payload', '__proto__'),
      fc.oneof(jsonataArb(opts), jsonValue(1), fc.constantFrom(...FUZZ_FUNCTIONS)),
      { maxKeys: 3 },
    ),
    fc.array(jsonataArb(opts), { maxLength: 2 }),
    jsonValue(1),
  );
}

export function assignArb(opts: DefinitionOptions, jsonata: boolean): fc.Arbitrary<Record<string, unknown>> {
  const value = jsonata ? fc.oneof(jsonataArb(opts), jsonValue(1)) : jsonValue(1);
  return fc
    .array(
      fc.oneof(
        fc.tuple(variableNameArb(opts), value),
        jsonata
          ? fc.tuple(variableNameArb(opts), jsonataArb(opts))
          : fc.tuple(
              variableNameArb(opts).map((n) => `${n}.$`),
              pathArb(opts),
            ),
      ),
      { maxLength: 3 },
    )
    .map((members) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of members)
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      return out;
    });
}

/** `ErrorEquals`: in tame definitions `States.ALL` alone or names without it (as ASL requires). */
export function errorEqualsArb(opts: DefinitionOptions): fc.Arbitrary<string[]> {
  const names = fc.array(fc.constantFrom(...ERROR_NAMES), { minLength: 1, maxLength: 3 });
  if (!opts.tame) return names;
  return fc.oneof(
    fc.constant<string[]>(['States.ALL']),
    names.map((list) => list.filter((n) => n !== 'States.ALL' && n !== '')).filter((list) => list.length > 0),
  );
}

export function retrierArb(opts: DefinitionOptions): fc.Arbitrary<Record<string, unknown>> {
  const interval = opts.tame
    ? fc.integer({ min: 1, max: 1 })
    : fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(99_999_999, 100_000_000));
  const attempts = opts.tame
    ? fc.integer({ min: 0, max: 2 })
    : fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constantFrom(99_999_999));
  return fc.record(
    {
      ErrorEquals: errorEqualsArb(opts),
      IntervalSeconds: interval,
      MaxAttempts: attempts,
      BackoffRate: opts.tame ? fc.constantFrom(1, 1.5, 2) : fc.constantFrom(0.5, 1, 1.5, 2, 1e9),
      MaxDelaySeconds: opts.tame ? fc.constantFrom(1, 2) : fc.constantFrom(1, 2, 31_622_400, 31_622_401),
      JitterStrategy: opts.tame ? fc.constantFrom('FULL', 'NONE') : fc.constantFrom('FULL', 'NONE', 'HALF'),
    },
    { requiredKeys: ['ErrorEquals'] },
  );
}

export function choiceRuleArb(
  opts: DefinitionOptions,
  jsonata: boolean,
  next: fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, unknown>> {
  if (jsonata) {
    return fc.record(
      {
        Condition: fc.oneof(
          jsonataArb(opts),
          fc.constantFrom('{% true %}', '{% $states.input.n > 1 %}', '{% "yes" %}', true),
        ),
        Next: next,
        Output: jsonataArb(opts),
        Assign: assignArb(opts, true),
      },
      { requiredKeys: ['Condition', 'Next'] },
    );
  }
  const comparison = fc.oneof(
    fc.record({ Variable: referencePathArb(opts), StringEquals: fc.constantFrom('a', '', 'aaaa!') }),
    fc.record({ Variable: referencePathArb(opts), NumericGreaterThan: fc.constantFrom(0, 1, -1, 1e308) }),
    fc.record({ Variable: referencePathArb(opts), NumericEqualsPath: pathArb(opts) }),
    fc.record({ Variable: referencePathArb(opts), BooleanEquals: fc.boolean() }),
    fc.record({ Variable: referencePathArb(opts), TimestampLessThan: fc.constantFrom(...TIMESTAMPS) }),
    fc.record({
      Variable: referencePathArb(opts),
      StringMatches: fc.constantFrom('a*', '*', '\\*', '**a**b**c**d**e**f**g**h**i**j**k**', ''),
    }),
    fc.record({ Variable: referencePathArb(opts), IsPresent: fc.boolean() }),
    fc.record({ Variable: referencePathArb(opts), IsNumeric: fc.boolean(), IsString: fc.boolean() }),
    fc.record({ Variable: referencePathArb(opts) }),
  );
  const rule = fc.letrec((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      comparison,
      fc.record({ And: fc.array(tie('rule'), { minLength: 1, maxLength: 2 }) }),
      fc.record({ Or: fc.array(tie('rule'), { minLength: 1, maxLength: 2 }) }),
      fc.record({ Not: tie('rule') }),
    ),
  })).rule as fc.Arbitrary<Record<string, unknown>>;
  return fc
    .tuple(rule, next, fc.option(assignArb(opts, false), { nil: undefined }))
    .map(([r, n, assign]) => ({ ...r, Next: n, ...(assign ? { Assign: assign } : {}) }));
}
