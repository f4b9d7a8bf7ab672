import fc from 'fast-check';
import type { z } from 'zod';
import {
  ChoiceStateSchema,
  CredentialsSchema,
  FailStateSchema,
  ItemBatcherSchema,
  ItemReaderSchema,
  MapStateSchema,
  ParallelStateSchema,
  PassStateSchema,
  ProcessorConfigSchema,
  ResultWriterSchema,
  STATE_TYPES,
  SucceedStateSchema,
  TaskStateSchema,
  WaitStateSchema,
  type StateType,
} from '../schemas/asl';
import { AWKWARD_STRINGS, deepValue, hostileValue, hugeString, PROTOTYPE_KEYS, wrongType } from './hostile';
import {
  assignArb,
  choiceRuleArb,
  errorEqualsArb,
  jsonataArb,
  jsonataTemplateArb,
  pathArb,
  referencePathArb,
  retrierArb,
  templateArb,
  type DefinitionOptions,
} from './field-values';
import { FUZZ_FUNCTIONS, PATHS, POISON_STATES, RESOURCES, TIMESTAMPS, WAITING_RESOURCES } from './language-pools';
import { arbitraryOf, jsonValue } from './zod-arbitrary';

/**
 * ASL definitions generated from the state schemas (schemas/asl): every state type, every field
 * its schema declares (each optional field present or not), values from pools of paths,
 * intrinsics, JSONata expressions, templates and resources that exercise the language, with
 * hostile values and unknown fields mixed in. Transitions point at the machine's own state names,
 * so many definitions pass validation and reach the interpreter.
 *
 * `tame` definitions are for real executions: transitions only go forward (no loops), waits and
 * retries are short, Tasks call the fixture functions, and known poison (ReDoS, huge ranges) is
 * left out — every execution ends within seconds when Stepflow behaves.
 */
export type { DefinitionOptions } from './field-values';

const STATE_SCHEMAS: Record<StateType, z.ZodObject> = {
  Task: TaskStateSchema,
  Pass: PassStateSchema,
  Choice: ChoiceStateSchema,
  Wait: WaitStateSchema,
  Succeed: SucceedStateSchema,
  Fail: FailStateSchema,
  Parallel: ParallelStateSchema,
  Map: MapStateSchema,
} as unknown as Record<StateType, z.ZodObject>;

/** Fields only JSONPath states have (a JSONata state with one is invalid). */
const JSONPATH_ONLY = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'Result',
  'ItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
]);
/** Fields only JSONata states have, by state type. */
const JSONATA_EXTRA: Partial<Record<StateType, string[]>> = {
  Task: ['Arguments', 'Output'],
  Pass: ['Output'],
  Choice: ['Output'],
  Wait: ['Output'],
  Succeed: ['Output'],
  Parallel: ['Arguments', 'Output'],
  Map: ['Items', 'Output'],
};

interface Scope {
  names: string[];
  index: number;
  depth: number;
  jsonata: boolean;
}

/**
 * Where a transition may go: mostly the next state (so every state is reachable); in tame
 * definitions only forward (no loops), otherwise anywhere, loops and dangling names included.
 */
function targetArb(opts: DefinitionOptions, scope: Scope): fc.Arbitrary<string> {
  const following = scope.names[Math.min(scope.index + 1, scope.names.length - 1)] as string;
  const later = scope.names.slice(scope.index + 1);
  if (opts.tame)
    return later.length > 0
      ? fc.oneof({ arbitrary: fc.constant(following), weight: 4 }, { arbitrary: fc.constantFrom(...later), weight: 1 })
      : fc.constant(following);
  return fc.oneof(
    { arbitrary: fc.constant(following), weight: 6 },
    { arbitrary: fc.constantFrom(...scope.names), weight: 3 },
    { arbitrary: fc.constantFrom('Missing', '__proto__', 'constructor', ''), weight: 1 },
  );
}

/** The value a field gets, by name; undefined means "whatever its schema says". */
function fieldArb(
  field: string,
  type: StateType,
  opts: DefinitionOptions,
  scope: Scope,
  machine: (depth: number) => fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<unknown> | undefined {
  const { jsonata } = scope;
  const seconds = (tameMax: number) =>
    opts.tame
      ? fc.integer({ min: 0, max: tameMax })
      : fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constantFrom(99_999_999, 100_000_000, 1.5));
  const withExpression = (arb: fc.Arbitrary<unknown>) => (jsonata ? fc.oneof(arb, jsonataArb(opts)) : arb);
  switch (field) {
    case 'Next':
    case 'Default':
      return targetArb(opts, scope);
    case 'End':
      return fc.constantFrom(true, true, true, false);
    case 'Comment':
      return fc.constantFrom('c', ...AWKWARD_STRINGS.slice(0, 10));
    case 'QueryLanguage':
      return fc.constantFrom('JSONPath', 'JSONata', 'JavaScript');
    case 'InputPath':
    case 'OutputPath':
      return fc.oneof(
        { arbitrary: fc.constantFrom(...PATHS), weight: 12 },
        { arbitrary: fc.constant(null), weight: 1 },
        { arbitrary: pathArb(opts), weight: opts.tame ? 0 : 2 },
      );
    case 'ResultPath':
    case 'ItemsPath':
      return fc.oneof({ arbitrary: referencePathArb(opts), weight: 9 }, { arbitrary: fc.constant(null), weight: 1 });
    case 'TimeoutSecondsPath':
    case 'HeartbeatSecondsPath':
    case 'SecondsPath':
    case 'TimestampPath':
    case 'ErrorPath':
    case 'CausePath':
    case 'MaxConcurrencyPath':
    case 'ToleratedFailureCountPath':
    case 'ToleratedFailurePercentagePath':
      return pathArb(opts);
    case 'Parameters':
    case 'ResultSelector':
    case 'ItemSelector':
      return jsonata && field === 'ItemSelector' ? jsonataTemplateArb(opts) : templateArb(opts);
    case 'Arguments':
    case 'Output':
    case 'Items':
      return field === 'Items'
        ? fc.oneof(jsonataArb(opts), fc.constant([1, 2, 3]), fc.constant([]))
        : jsonataTemplateArb(opts);
    case 'Result':
      return jsonValue(2);
    case 'Assign':
      return assignArb(opts, jsonata);
    case 'Resource':
      return opts.tame ? fc.constantFrom(...RESOURCES) : fc.constantFrom(...RESOURCES, ...WAITING_RESOURCES);
    case 'TimeoutSeconds':
    case 'HeartbeatSeconds':
      return withExpression(
        opts.tame
          ? fc.integer({ min: 1, max: 10 })
          : fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(99_999_999, 100_000_000)),
      );
    case 'Seconds':
      return withExpression(seconds(1));
    case 'Timestamp':
      return withExpression(opts.tame ? fc.constantFrom('2016-03-14T01:59:00Z') : fc.constantFrom(...TIMESTAMPS));
    case 'Retry':
      return fc.array(retrierArb(opts), { maxLength: 2 });
    case 'Catch':
      return fc.array(
        fc.record(
          {
            ErrorEquals: errorEqualsArb(opts),
            Next: targetArb(opts, scope),
            [jsonata ? 'Output' : 'ResultPath']: jsonata ? jsonataArb(opts) : referencePathArb(opts),
          } as Record<string, fc.Arbitrary<unknown>>,
          { requiredKeys: ['ErrorEquals', 'Next'] },
        ),
        { maxLength: 2 },
      );
    case 'Choices':
      return fc.array(choiceRuleArb(opts, jsonata, targetArb(opts, scope)), { minLength: 1, maxLength: 3 });
    case 'Error':
    case 'Cause':
      return withExpression(fc.constantFrom('Custom.Error', 'States.Timeout', '', 'x'.repeat(300)));
    case 'Branches':
      return fc.array(machine(scope.depth + 1), { minLength: 1, maxLength: 2 });
    case 'ItemProcessor':
    case 'Iterator':
      return fc
        .tuple(
          machine(scope.depth + 1),
          opts.tame ? fc.constant(undefined) : fc.option(arbitraryOf(ProcessorConfigSchema), { nil: undefined }),
        )
        .map(([m, config]) => ({ ...m, ...(config ? { ProcessorConfig: config } : {}) }));
    case 'MaxConcurrency':
    case 'ToleratedFailureCount':
      return withExpression(opts.tame ? fc.integer({ min: 0, max: 3 }) : fc.constantFrom(0, 1, -1, 1000, 1.5));
    case 'ToleratedFailurePercentage':
      return withExpression(fc.constantFrom(0, 50, 100, 101, -1));
    case 'Label':
      return fc.constantFrom('label', 'x'.repeat(41), 'bad label', '');
    case 'Credentials':
      return arbitraryOf(CredentialsSchema);
    case 'Compensate':
      return fc.record(
        {
          Resource: fc.constantFrom(...RESOURCES.slice(0, 4)),
          Parameters: templateArb(opts),
          Retry: fc.array(retrierArb(opts), { maxLength: 1 }),
        },
        { requiredKeys: ['Resource'] },
      );
    case 'ItemReader':
      return opts.tame ? undefined : arbitraryOf(ItemReaderSchema);
    case 'ItemBatcher':
      return arbitraryOf(ItemBatcherSchema);
    case 'ResultWriter':
      return opts.tame ? undefined : arbitraryOf(ResultWriterSchema);
    default:
      return undefined;
  }
}

/** Fields a state of `type` may carry in its language, from its schema. */
function fieldsOf(type: StateType, jsonata: boolean): string[] {
  const shape = Object.keys(STATE_SCHEMAS[type].shape).filter((field) => field !== 'Type' && field !== 'QueryLanguage');
  return jsonata ? [...shape.filter((field) => !JSONPATH_ONLY.has(field)), ...(JSONATA_EXTRA[type] ?? [])] : shape;
}

/** Fields a state of each type needs to be valid (besides its transition). */
const ESSENTIAL: Record<StateType, string[]> = {
  Task: ['Resource'],
  Pass: [],
  Choice: ['Choices'],
  Wait: ['Seconds'],
  Succeed: [],
  Fail: [],
  Parallel: ['Branches'],
  Map: ['ItemProcessor'],
};
const TERMINAL: StateType[] = ['Choice', 'Succeed', 'Fail'];

/**
 * One state: its essential fields (almost always), a few optional fields of its schema, and a
 * transition — `Next` to another state or `"End": true` on the last one (sometimes both or
 * neither, to probe the validator's cross-field rules).
 */
function stateArb(
  type: StateType,
  opts: DefinitionOptions,
  scope: Scope,
  machine: (depth: number) => fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const schema = STATE_SCHEMAS[type];
  const valueOf = (field: string): fc.Arbitrary<unknown> => {
    if (opts.tame && type === 'Wait' && field === 'Seconds') return fc.integer({ min: 0, max: 1 });
    const member = (schema.shape as Record<string, z.ZodType>)[field];
    return fieldArb(field, type, opts, scope, machine) ?? (member ? arbitraryOf(member) : jsonValue(1));
  };
  const essential = ESSENTIAL[type];
  const excluded = new Set([
    'Next',
    'End',
    ...essential,
    ...(type === 'Wait' ? ['Timestamp', 'SecondsPath', 'TimestampPath'] : []),
    ...(opts.tame
      ? [
          'Iterator',
          'Timestamp',
          'SecondsPath',
          'TimestampPath',
          'ItemReader',
          'ResultWriter',
          'TimeoutSecondsPath',
          'HeartbeatSecondsPath',
        ]
      : []),
  ]);
  const optional = fieldsOf(type, scope.jsonata).filter((field) => !excluded.has(field));
  const isLast = scope.index === scope.names.length - 1;
  const transition: fc.Arbitrary<Record<string, unknown>> = TERMINAL.includes(type)
    ? fc.constant({})
    : opts.tame
      ? isLast
        ? fc.constant({ End: true })
        : targetArb(opts, scope).map((next) => ({ Next: next }))
      : fc.oneof(
          {
            arbitrary: isLast ? fc.constant({ End: true }) : targetArb(opts, scope).map((next) => ({ Next: next })),
            weight: 8,
          },
          { arbitrary: targetArb(opts, scope).map((next) => ({ Next: next })), weight: 2 },
          { arbitrary: fc.constant({ End: true }), weight: 1 },
          { arbitrary: fc.constant({}), weight: 1 },
          { arbitrary: targetArb(opts, scope).map((next) => ({ Next: next, End: true })), weight: 1 },
        );
  const essentials = fc.record(Object.fromEntries(essential.map((field) => [field, valueOf(field)])));
  const extras = fc
    .subarray(optional, { maxLength: Math.min(optional.length, opts.tame ? 3 : 4) })
    .chain((fields) => fc.record(Object.fromEntries(fields.map((field) => [field, valueOf(field)]))));
  return fc
    .tuple(essentials, extras, transition, fc.integer({ min: 0, max: 19 }))
    .map(([ess, extra, flow, roll]) => ({ Type: type, ...(roll === 0 && !opts.tame ? {} : ess), ...extra, ...flow }));
}

/** A state name: mostly `<prefix><index>`, sometimes one that probes names and lookups. */
function stateNames(depth: number, count: number, opts: DefinitionOptions): fc.Arbitrary<string[]> {
  const plain = Array.from({ length: count }, (_, i) => `S${depth}_${i}`);
  if (opts.tame) return fc.constant(plain);
  const odd = fc.constantFrom(...PROTOTYPE_KEYS, 'x'.repeat(81), '', ' ', 'é😀', 'a\u0000b', '$', 'States.ALL');
  const pick = fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: odd, weight: 1 });
  return fc
    .array(pick, { minLength: count, maxLength: count })
    .map((picks) => picks.map((p, i) => p ?? (plain[i] as string)));
}

/** A (sub-)machine of 1–5 states (fewer when nested). */
function machineArb(opts: DefinitionOptions, depth: number, jsonata: boolean): fc.Arbitrary<Record<string, unknown>> {
  const maxStates = depth === 0 ? 5 : depth === 1 ? 3 : 1;
  const sub = (d: number): fc.Arbitrary<Record<string, unknown>> =>
    d > 2
      ? fc.constant({ StartAt: `S${d}_0`, States: { [`S${d}_0`]: { Type: 'Succeed' } } })
      : machineArb(opts, d, jsonata);
  const types = STATE_TYPES.filter((t) => depth < 2 || (t !== 'Parallel' && t !== 'Map'));
  const flowing = types.filter((t) => t !== 'Succeed' && t !== 'Fail');
  // Succeed and Fail end a scope: mostly last, so the states after them stay reachable.
  const typeAt = (index: number, count: number) =>
    index === count - 1 || !opts.tame
      ? fc.oneof(
          { arbitrary: fc.constantFrom(...flowing), weight: index === count - 1 ? 1 : 12 },
          { arbitrary: fc.constantFrom(...types), weight: 1 },
        )
      : fc.constantFrom(...flowing);
  return fc
    .integer({ min: 1, max: maxStates })
    .chain((count) =>
      fc.tuple(stateNames(depth, count, opts), fc.tuple(...Array.from({ length: count }, (_, i) => typeAt(i, count)))),
    )
    .chain(([names, stateTypes]) =>
      fc.tuple(
        fc.constant(names),
        fc.tuple(
          ...stateTypes.map((type, index) =>
            stateArb(
              opts.tame && index === names.length - 1 && type === 'Choice' ? 'Pass' : type,
              opts,
              { names, index, depth, jsonata },
              sub,
            ),
          ),
        ),
        opts.tame
          ? fc.constant(names[0] as string)
          : fc.oneof(
              { arbitrary: fc.constant(names[0] as string), weight: 9 },
              { arbitrary: fc.constantFrom(...names, 'Missing'), weight: 1 },
            ),
      ),
    )
    .map(([names, states, startAt]) => {
      const record: Record<string, unknown> = {};
      names.forEach((name, i) =>
        Object.defineProperty(record, name, { value: states[i], enumerable: true, writable: true, configurable: true }),
      );
      return { StartAt: startAt, States: record };
    });
}

/** The transitions of a state that name states of its own scope. */
function renameTransitions(state: Record<string, unknown>, rename: (name: unknown) => unknown): void {
  if ('Next' in state) state.Next = rename(state.Next);
  if ('Default' in state) state.Default = rename(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list))
      for (const item of list)
        if (item && typeof item === 'object' && 'Next' in item)
          (item as Record<string, unknown>).Next = rename((item as Record<string, unknown>).Next);
  }
}

/**
 * Gives the states of nested machines names unique across the definition (ASL requires it), as
 * the generator builds every branch with the same `S<depth>_<i>` names. Odd names stay as they are.
 */
function uniqueNames(machine: Record<string, unknown>, counter: { next: number }, nested: boolean): void {
  const states = machine.States;
  if (!states || typeof states !== 'object' || Array.isArray(states)) return;
  const suffix = nested ? `_${counter.next++}` : '';
  const rename = (name: unknown) => (typeof name === 'string' && /^S\d+_\d+$/.test(name) ? `${name}${suffix}` : name);
  const renamed: Record<string, unknown> = {};
  for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
    if (state && typeof state === 'object' && !Array.isArray(state)) {
      const copy = { ...(state as Record<string, unknown>) };
      renameTransitions(copy, rename);
      for (const field of ['Branches']) {
        if (Array.isArray(copy[field]))
          copy[field] = (copy[field] as unknown[]).map((b) => (b && typeof b === 'object' ? { ...(b as object) } : b));
        if (Array.isArray(copy[field]))
          for (const branch of copy[field] as Record<string, unknown>[])
            if (branch && typeof branch === 'object') uniqueNames(branch, counter, true);
      }
      for (const field of ['ItemProcessor', 'Iterator']) {
        if (copy[field] && typeof copy[field] === 'object') {
          copy[field] = { ...(copy[field] as object) };
          uniqueNames(copy[field] as Record<string, unknown>, counter, true);
        }
      }
      Object.defineProperty(renamed, rename(name) as string, {
        value: copy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(renamed, rename(name) as string, {
        value: state,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  machine.States = renamed;
  machine.StartAt = rename(machine.StartAt);
}

/** A whole definition: a machine, perhaps JSONata, perhaps with `TimeoutSeconds`, perhaps mutated. */
export function definitionArb(opts: DefinitionOptions): fc.Arbitrary<Record<string, unknown>> {
  const top = fc.constantFrom<'JSONPath' | 'JSONata' | undefined>(undefined, 'JSONPath', 'JSONata').chain((language) =>
    fc
      .tuple(
        machineArb(opts, 0, language === 'JSONata'),
        fc.option(fc.constantFrom(...(opts.tame ? [5, 20] : [1, 5, 99_999_999, 100_000_000, 0])), {
          freq: 3,
          nil: undefined,
        }),
        fc.option(fc.constantFrom('1.0', 'x'), { freq: 8, nil: undefined }),
      )
      .map(([machine, timeout, version]) => {
        const definition: Record<string, unknown> = {
          ...(language ? { QueryLanguage: language } : {}),
          ...machine,
          ...(timeout !== undefined ? { TimeoutSeconds: timeout } : {}),
          ...(version !== undefined ? { Version: version } : {}),
        };
        uniqueNames(definition, { next: 0 }, false);
        return definition;
      }),
  );
  if (opts.tame) return top;
  return fc.oneof({ arbitrary: top, weight: 8 }, { arbitrary: top.chain(mutateDefinition), weight: 2 });
}

/** One structural mutation: an unknown field, a wrong type, a hostile value anywhere, or a deep/huge document. */
function mutateDefinition(definition: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const stateNamesOf = Object.keys(definition.States as Record<string, unknown>);
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...stateNamesOf),
        fc.constantFrom('Unknown', '__proto__', 'constructor', 'Type', 'Next', 'States'),
        hostileValue,
      )
      .map(([name, field, value]) => {
        const states = definition.States as Record<string, Record<string, unknown>>;
        const state = { ...(states[name] ?? {}) };
        Object.defineProperty(state, field, { value, enumerable: true, writable: true, configurable: true });
        const copy: Record<string, unknown> = {};
        for (const k of Object.keys(states))
          Object.defineProperty(copy, k, {
            value: k === name ? state : states[k],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return { ...definition, States: copy };
      }),
    fc
      .tuple(
        fc.constantFrom('StartAt', 'States', 'TimeoutSeconds', 'QueryLanguage', 'Comment', '__proto__', 'Extra'),
        hostileValue,
      )
      .map(([field, value]) => {
        const copy = { ...definition };
        Object.defineProperty(copy, field, { value, enumerable: true, writable: true, configurable: true });
        return copy;
      }),
    fc.constantFrom(1000, 5000, 20_000).map((depth) => ({
      ...definition,
      States: {
        ...(definition.States as object),
        Deep: { Type: 'Pass', Result: deepValue(depth, 'object'), End: true },
      },
    })),
    fc.constantFrom(5000, 20_000).map((depth) => ({ ...definition, Comment: deepValue(depth, 'array') })),
    fc.constantFrom(300_000, 1_100_000, 2_100_000).map((size) => ({ ...definition, Comment: hugeString(size) })),
    wrongType.map((value) => ({ ...definition, States: value })),
  );
}

/** Execution inputs: a typical shape most paths read, plus hostile ones. */
export function inputArb(opts: DefinitionOptions): fc.Arbitrary<unknown> {
  const typical = fc.record(
    {
      a: fc.oneof(fc.constant({ b: 1 }), jsonValue(2)),
      items: fc.oneof(fc.constant([1, 2, 3]), fc.array(jsonValue(1), { maxLength: 5 })),
      s: fc.constantFrom('aaaa!', '{"a":1}', 'a,b,c', 'aGVsbG8=', '', 'é😀', `${'a'.repeat(40)}!`),
      n: fc.constantFrom(0, 1, 3, -1, 1.5, 1e308),
      deep: fc.constantFrom('[[[]]]', '['.repeat(opts.tame ? 50 : 10_000) + ']'.repeat(opts.tame ? 50 : 10_000)),
      FunctionName: fc.constantFrom(...FUZZ_FUNCTIONS),
    },
    { requiredKeys: [] },
  );
  if (opts.tame) return fc.oneof({ arbitrary: typical, weight: 9 }, { arbitrary: jsonValue(2), weight: 1 });
  return fc.oneof(
    { arbitrary: typical, weight: 7 },
    { arbitrary: jsonValue(3), weight: 2 },
    // The API refuses deeper inputs before they reach the interpreter (`hostileValue` goes to 20,000).
    {
      arbitrary: hostileValue.filter(
        (value) => !JSON.stringify(value).includes('"deep":20000') && !JSON.stringify(value).includes('"deep":5000'),
      ),
      weight: 1,
    },
  );
}

/**
 * A tame definition that first runs one known poison state (a catastrophic regular expression, a
 * huge range, a 10,000-deep StringToJson): a real execution of it must still end, with a
 * `States.*` error, without taking the worker down.
 */
export function poisonedDefinitionArb(): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(definitionArb({ tame: true }), fc.constantFrom(...POISON_STATES)).map(([definition, poison]) => ({
    ...definition,
    StartAt: 'Poison',
    States: {
      Poison: {
        ...poison,
        ...(definition.QueryLanguage === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}),
        Next: definition.StartAt,
      },
      ...(definition.States as object),
    },
  }));
}
