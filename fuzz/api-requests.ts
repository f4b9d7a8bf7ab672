import * as sfnModel from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import type { z } from 'zod';
import { definitionArb, inputArb } from './definitions';
import {
  AWKWARD_STRINGS,
  badJsonText,
  hostileValue,
  hugeString,
  jsonText,
  PROTOTYPE_KEYS,
  prototypeObject,
  wrongType,
} from './hostile';
import { arbitraryOf, jsonValue, type FieldOverrides } from './zod-arbitrary';

/** One HTTP request for Fastify's `inject()`; `body` is a value (serialised at send time) or raw text. */
export interface ApiCase {
  /** The route or action it was generated for (the summary counts cases per route). */
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: { json: unknown } | { raw: string };
}

/** A REST route as Fastify registered it, with its zod schemas. */
export interface RestRoute {
  method: string;
  url: string;
  schema?: { body?: z.ZodType; querystring?: z.ZodType; params?: z.ZodType };
}

/** Names and ids of things the fuzzer created before it started, so requests reach real rows. */
export interface World {
  machines: string[];
  activities: string[];
  executionIds: string[];
  executionArns: string[];
  machineArns: string[];
  versionArns: string[];
  aliasArns: string[];
  activityArns: string[];
  aliases: string[];
  taskTokens: string[];
}

const ACCOUNT_PREFIX = 'arn:aws:states:us-east-1:000000000000';

/** Pagination tokens and cursors that are not what the server handed out. */
const BAD_CURSORS = [
  '',
  'x',
  'not-a-date',
  '2026-13-45T99:99:99Z',
  '0',
  '-1',
  '99999999999999999999999',
  'NaN',
  Buffer.from('{"startDate":"x","executionId":1}').toString('base64url'),
  Buffer.from('{"startDate":"2026-01-01T00:00:00Z"}').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('[]').toString('base64url'),
  Buffer.from('{"__proto__":{"a":1}}').toString('base64url'),
  '%00',
  '\u0000',
  '=====',
  'eyJ',
  'a'.repeat(5000),
];

function poolOf(
  values: string[],
  extra: fc.Arbitrary<string> = fc.constantFrom(...AWKWARD_STRINGS, 'missing', ...PROTOTYPE_KEYS),
): fc.Arbitrary<string> {
  return values.length === 0
    ? extra
    : fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, { arbitrary: extra, weight: 1 });
}

/** Definitions as an API caller sends them: tame ones (accepted, end quickly) as an object or as JSON text. */
const definitionValue = definitionArb({ tame: true });
const definitionField = fc.oneof(
  definitionValue,
  definitionValue.map((d) => jsonText(d)),
  fc.constantFrom('{', '', 'null', '[]'),
);

/** REST member overrides by name: values that reach the world's rows and the language. */
function restOverrides(world: World): FieldOverrides {
  return {
    name: poolOf([...world.machines, ...world.activities, 'fz-new-1', 'fz-new-2']),
    definition: definitionField,
    input: inputArb({ tame: true }),
    output: jsonValue(2),
    taskToken: poolOf(world.taskTokens, fc.constantFrom('x', 'AAAA', 'a'.repeat(2048), '%', '\u0000', ...BAD_CURSORS)),
    next: fc.constantFrom(...BAD_CURSORS),
    limit: fc.constantFrom(1, 2, 1000, 0, -1, 1001, 1.5),
    version: fc.constantFrom(1, 2, 3, 0, -1, 2 ** 31, 2 ** 53),
    alias: poolOf(world.aliases),
    stateMachine: poolOf(world.machines),
    from: fc.constantFrom('2026-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'x', '9999-12-31T23:59:59.999Z'),
    to: fc.constantFrom('2026-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'x'),
    stateName: fc.constantFrom('S0_0', 'missing', ''),
    waitSeconds: fc.constantFrom(0, 0, 1, 61, -1),
  };
}

/** A path segment: a pool value, URL-encoded (a lone surrogate, which cannot be, is sent as the raw bytes' escapes). */
function segment(values: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return values.map((v) => {
    try {
      return encodeURIComponent(v);
    } catch {
      return [...Buffer.from(v, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    }
  });
}

function paramValues(name: string, world: World): fc.Arbitrary<string> {
  switch (name) {
    case 'name':
      return poolOf([...world.machines, ...world.activities]);
    case 'executionId':
      return poolOf(
        world.executionIds,
        fc.constantFrom(
          'missing',
          '00000000-0000-0000-0000-000000000000',
          ...PROTOTYPE_KEYS,
          'x'.repeat(300),
          '%E0%A4%A',
        ),
      );
    case 'alias':
      return poolOf(world.aliases);
    case 'version':
      return fc.constantFrom('1', '2', '0', '-1', 'abc', '1.5', '99999999999999999999', '1e3');
    default:
      return fc.constantFrom('x', 'missing');
  }
}

/** Query strings: the schema's members (overrides applied), as URL parameters, sometimes with junk added. */
function queryOf(route: RestRoute, world: World): fc.Arbitrary<string> {
  const schema = route.schema?.querystring;
  const base = schema
    ? (arbitraryOf(schema, restOverrides(world)) as fc.Arbitrary<Record<string, unknown>>)
    : fc.constant({});
  const junk = fc.dictionary(
    fc.constantFrom('limit', 'next', 'follow', '__proto__', 'constructor', 'x', 'limit[]'),
    fc.constantFrom('1', '', 'true', '%', 'a'.repeat(3000), '[]'),
    { maxKeys: 2 },
  );
  return fc.tuple(base, fc.option(junk, { freq: 4, nil: undefined })).map(([query, extra]) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, ...(extra ?? {}) })) {
      // follow=true streams until the execution ends: only on a few cases (a still-running one would hold the request open).
      if (v !== undefined) params.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    const text = params.toString();
    return text ? `?${text}` : '';
  });
}

/** A body from the route's schema with hostile mutations: a member replaced, prototype keys, nulls, not JSON at all. */
function bodyOf(schema: z.ZodType | undefined, overrides: FieldOverrides): fc.Arbitrary<ApiCase['body'] | undefined> {
  const valid = schema ? (arbitraryOf(schema, overrides) as fc.Arbitrary<unknown>) : fc.constant(undefined);
  const member = fc.tuple(valid, fc.string({ maxLength: 3 }), hostileValue).map(([body, _s, value]) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
    const keys = Object.keys(body);
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const key = keys.length > 0 ? (keys[value === null ? 0 : keys.length - 1] as string) : 'extra';
    copy[key] = value;
    return copy;
  });
  const withPrototypeKeys = fc
    .tuple(valid, prototypeObject)
    .map(([body, proto]) =>
      body && typeof body === 'object' ? Object.assign(JSON.parse(jsonText(body)) as object, proto) : proto,
    );
  return fc.oneof(
    { arbitrary: valid.map((json) => (json === undefined ? undefined : { json })), weight: 10 },
    { arbitrary: member.map((json) => ({ json })), weight: 4 },
    { arbitrary: withPrototypeKeys.map((json) => ({ json })), weight: 1 },
    { arbitrary: wrongType.map((json) => ({ json })), weight: 1 },
    { arbitrary: badJsonText.map((raw) => ({ raw })), weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/x-amz-json-1.0',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  '',
];

/** Headers anyone may send: junk authorization, request ids, SSE resume ids, targets on REST routes. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(
    'authorization',
    'x-request-id',
    'last-event-id',
    'x-amz-target',
    'accept',
    'x-amz-date',
    'accept-encoding',
  ),
  fc.constantFrom(
    'Bearer x',
    'Bearer a.b',
    'AWS4-HMAC-SHA256 Credential=x',
    '',
    'x'.repeat(8000),
    '\u00e9',
    '999999999999999999999',
    '-1',
    '2',
    '4',
    '6',
    'AWSStepFunctions.constructor',
    'text/event-stream',
    'gzip',
  ),
  { maxKeys: 2 },
);

/** Requests for one REST route, from its params, querystring and body schemas. */
export function restCaseArb(route: RestRoute, world: World): fc.Arbitrary<ApiCase> {
  const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const params = fc.tuple(...names.map((name) => segment(paramValues(name, world))));
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE' && route.method !== 'HEAD';
  const body = hasBody ? bodyOf(route.schema?.body, restOverrides(world)) : fc.constant(undefined);
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
  );
  return fc
    .tuple(params, queryOf(route, world), body, contentType, fc.option(extraHeaders, { freq: 5, nil: undefined }))
    .map(([values, query, payload, type, extra]) => {
      let url = route.url;
      names.forEach((name, i) => (url = url.replace(`:${name}`, values[i] as string)));
      const headers: Record<string, string> = { ...(extra ?? {}) };
      if (payload !== undefined && type) headers['content-type'] = type;
      return {
        route: `${route.method} ${route.url}`,
        method: route.method,
        url: `${url}${query}`,
        headers,
        body: payload,
      };
    });
}

// ---- The Step Functions protocol, from the AWS service model (the SDK's schemas) ----

type SchemaRef = unknown;

function deref(ref: SchemaRef): SchemaRef {
  let value = ref;
  // A member is `[schema or thunk, traits]`; a thunk returns the schema.
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'function') value = value[0];
  if (typeof value === 'function') value = (value as () => SchemaRef)();
  return value;
}

/** The SFN member overrides by name: ARNs and tokens of the world, definitions, JSON texts. */
function sfnOverrides(world: World): Record<string, fc.Arbitrary<unknown>> {
  const arn = (values: string[]) =>
    poolOf(
      values,
      fc.constantFrom(
        'invalid_arn',
        `${ACCOUNT_PREFIX}:stateMachine:missing`,
        `${ACCOUNT_PREFIX}:stateMachine:__proto__`,
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
        `${ACCOUNT_PREFIX}:execution:m:${'x'.repeat(90)}`,
        '',
      ),
    );
  return {
    stateMachineArn: arn([...world.machineArns, ...world.versionArns, ...world.aliasArns]),
    executionArn: arn(world.executionArns),
    activityArn: arn(world.activityArns),
    stateMachineVersionArn: arn(world.versionArns),
    stateMachineAliasArn: arn(world.aliasArns),
    resourceArn: arn([...world.machineArns, ...world.activityArns, ...world.versionArns]),
    mapRunArn: arn([]),
    name: poolOf([...world.machines, ...world.activities, 'fz-new-1', 'fz-new-2', 'live']),
    definition: definitionField.map((d) => (typeof d === 'string' ? d : jsonText(d))),
    input: inputArb({ tame: true }).map((v) => jsonText(v)),
    output: jsonValue(2).map((v) => jsonText(v)),
    variables: jsonValue(1).map((v) => jsonText(v)),
    taskToken: poolOf(world.taskTokens, fc.constantFrom('x', 'a'.repeat(2048), ...BAD_CURSORS)),
    nextToken: fc.constantFrom(...BAD_CURSORS),
    maxResults: fc.constantFrom(0, 1, 2, 100, 1000, 1001, -1),
    type: fc.constantFrom('STANDARD', 'EXPRESS', 'standard', ''),
    roleArn: fc.constantFrom('arn:aws:iam::000000000000:role/x', '', 'x'),
    statusFilter: fc.constantFrom('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE', 'x'),
    inspectionLevel: fc.constantFrom('INFO', 'DEBUG', 'TRACE', 'x'),
    stateName: fc.constantFrom('S0_0', 'missing', ''),
    routingConfiguration: fc.array(
      fc.record({ stateMachineVersionArn: arn(world.versionArns), weight: fc.constantFrom(0, 50, 100, 101, -1) }),
      { maxLength: 3 },
    ),
    tags: fc.array(
      fc.record({ key: fc.constantFrom('k', '', 'x'.repeat(200), '__proto__'), value: fc.constantFrom('v', '') }),
      { maxLength: 3 },
    ),
    tagKeys: fc.array(fc.constantFrom('k', '', '__proto__'), { maxLength: 3 }),
  };
}

/** An arbitrary for a value of an SDK schema (strings, numbers, booleans, timestamps, lists, maps, structures). */
function sdkValue(
  ref: SchemaRef,
  overrides: Record<string, fc.Arbitrary<unknown>>,
  depth: number,
): fc.Arbitrary<unknown> {
  const schema = deref(ref);
  if (typeof schema === 'number') {
    if (schema & 64) return fc.array(sdkValue(schema & 63, overrides, depth + 1), { maxLength: 3 });
    if (schema & 128)
      return fc.dictionary(fc.string({ maxLength: 6 }), sdkValue(schema & 63, overrides, depth + 1), { maxKeys: 3 });
    if (schema === 1) return fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.constantFrom(2 ** 31, 1.5));
    if (schema === 2) return fc.boolean();
    if (schema === 4 || schema === 5 || schema === 6 || schema === 7) return fc.constantFrom(0, 1767225600, -1, 1e15);
    return fc.oneof(
      { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
      { arbitrary: fc.constantFrom(...AWKWARD_STRINGS), weight: 1 },
    );
  }
  if (!Array.isArray(schema)) return jsonValue(1);
  const kind = schema[0] as number;
  if (kind === 0) return sdkValue(schema[4], overrides, depth);
  if (depth > 4) return fc.constant({});
  if (kind === 1) return fc.array(sdkValue(schema[4], overrides, depth + 1), { maxLength: 3 });
  if (kind === 2)
    return fc.dictionary(fc.string({ maxLength: 6 }), sdkValue(schema[5], overrides, depth + 1), { maxKeys: 3 });
  if (kind === 3) {
    const names = schema[4] as string[];
    const members = schema[5] as SchemaRef[];
    const required = typeof schema[6] === 'number' ? (schema[6] as number) : 0;
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    names.forEach((name, i) => (record[name] = overrides[name] ?? sdkValue(members[i], overrides, depth + 1)));
    return fc.record(record, { requiredKeys: names.slice(0, required) });
  }
  return jsonValue(1);
}

/** Every action of the Step Functions service model (the SDK's), with its input structure. */
export function sfnActions(): { action: string; input: SchemaRef }[] {
  return Object.entries(sfnModel)
    .filter(([key, value]) => key.endsWith('$') && Array.isArray(value) && value[0] === 9)
    .map(([, value]) => ({ action: (value as unknown[])[2] as string, input: (value as unknown[])[4] }));
}

/** Targets that are not actions, or not this service's. */
const HOSTILE_TARGETS = [
  ...PROTOTYPE_KEYS.map((key) => `AWSStepFunctions.${key}`),
  'AWSStepFunctions.',
  'AWSStepFunctions',
  'awsstepfunctions.StartExecution',
  'AWSStepFunctions.startExecution',
  'AWSStepFunctions.StartExecution ',
  'AmazonSQS.SendMessage',
  '',
  'AWSStepFunctions.DescribeMapRun',
  `AWSStepFunctions.${'A'.repeat(5000)}`,
  'AWSStepFunctions.\u0000',
];

/** Requests for one action of the protocol: its input from the model, with hostile mutations, bodies and headers. */
export function sfnCaseArb(action: string, input: SchemaRef, world: World): fc.Arbitrary<ApiCase> {
  const overrides = sfnOverrides(world);
  const valid = sdkValue(input, overrides, 0);
  const body = fc.oneof(
    { arbitrary: valid.map((json) => ({ json }) as ApiCase['body']), weight: 10 },
    {
      arbitrary: fc.tuple(valid, hostileValue).map(([json, value]) => {
        const copy = { ...(json as Record<string, unknown>) };
        const keys = Object.keys(copy);
        copy[keys.length > 0 ? (keys[0] as string) : 'x'] = value;
        return { json: copy } as ApiCase['body'];
      }),
      weight: 4,
    },
    {
      arbitrary: fc
        .tuple(valid, prototypeObject)
        .map(
          ([json, proto]) => ({ json: Object.assign(JSON.parse(jsonText(json)) as object, proto) }) as ApiCase['body'],
        ),
      weight: 1,
    },
    { arbitrary: badJsonText.map((raw) => ({ raw }) as ApiCase['body']), weight: 2 },
    {
      arbitrary: fc
        .constantFrom(1_100_000, 2_200_000)
        .map((size) => ({ json: { input: hugeString(size) } }) as ApiCase['body']),
      weight: 1,
    },
  );
  const target = fc.oneof(
    { arbitrary: fc.constant(`AWSStepFunctions.${action}`), weight: 12 },
    { arbitrary: fc.constantFrom(...HOSTILE_TARGETS), weight: 1 },
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constantFrom('application/x-amz-json-1.0', 'application/x-amz-json-1.1'), weight: 12 },
    { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
  );
  return fc
    .tuple(body, target, contentType, fc.option(extraHeaders, { freq: 6, nil: undefined }))
    .map(([payload, amzTarget, type, extra]) => ({
      route: `POST / ${action}`,
      method: 'POST',
      url: '/',
      headers: { ...(extra ?? {}), 'x-amz-target': amzTarget, ...(type ? { 'content-type': type } : {}) },
      body: payload,
    }));
}

/** The text `inject()` sends for a case's body. */
export function payloadOf(testCase: ApiCase): string | undefined {
  if (!testCase.body) return undefined;
  return 'raw' in testCase.body ? testCase.body.raw : jsonText(testCase.body.json);
}
