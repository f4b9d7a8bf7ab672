import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_BINDING_SET,
  functionImplementation,
  globMatches,
  integrationImplementation,
} from '../../engine/core/resource-bindings';
import { failure } from '../../engine/resources/aws/integrations';
import { BindingsError, currentBindings, MAX_BINDINGS_BYTES, parseBindings } from '../../engine/resources/bindings';
import { unsupportedResources } from '../../engine/resources/validate';
import type { BindingSet } from '../../schemas/resources/bindings';

const HOW =
  'bind it in the file named by STEPFLOW_BINDINGS (README "Resources") to a FUNCTIONS_DIR function, an HTTP endpoint or a Temporal activity type';

describe('parseBindings', () => {
  test('a valid file: bindings in order, defaults filled, versioned by the SHA-256 of its text', () => {
    const text = JSON.stringify({
      version: 1,
      bindings: [
        { resource: 'charge', http: { url: 'https://billing.internal/charge', timeoutSeconds: 30 } },
        { resource: 'arn:aws:lambda:*:*:function:geo-*', temporal: { taskQueue: 'go', activityType: 'Geocode' } },
      ],
    });
    expect(parseBindings(text)).toEqual({
      version: createHash('sha256').update(text).digest('hex').slice(0, 16),
      bindings: [
        { resource: 'charge', http: { url: 'https://billing.internal/charge', timeoutSeconds: 30 } },
        { resource: 'arn:aws:lambda:*:*:function:geo-*', temporal: { taskQueue: 'go', activityType: 'Geocode' } },
      ],
      disabledIntegrations: [],
    });
    // `printf '{"version":1}' | sha256sum`, first 16 hex digits
    expect(parseBindings('{"version":1}').version).toBe('2430f1a2ad2982d0');
    expect(parseBindings('{"version":1} ').version).not.toBe(parseBindings('{"version":1}').version);
  });

  test.each([
    ['{', 'f.json is not JSON: '],
    ['{"version":2}', 'f.json is not a valid bindings file:\n  /version: Invalid input: expected 1'],
    ['{"version":1,"extra":true}', 'f.json is not a valid bindings file:\n  /: Unrecognized key: "extra"'],
    [
      '{"version":1,"bindings":[{"resource":"a"}]}',
      'f.json is not a valid bindings file:\n  /bindings/0: a binding names exactly one of function, http, temporal, lambda, or "enabled": false',
    ],
    [
      '{"version":1,"bindings":[{"resource":"a","function":{},"lambda":{}}]}',
      '  /bindings/0: a binding names exactly one of function, http, temporal, lambda, or "enabled": false',
    ],
    [
      '{"version":1,"bindings":[{"resource":"a","http":{"url":"ftp://x/"}}]}',
      '  /bindings/0/http/url: must be an http:// or https:// URL',
    ],
    [
      '{"version":1,"bindings":[{"resource":"a","http":{"url":"http://x/","timeoutSeconds":0}}]}',
      '  /bindings/0/http/timeoutSeconds: Too small: expected number to be >=1',
    ],
    [
      '{"version":1,"bindings":[{"resource":"a","temporal":{"taskQueue":"q"}}]}',
      '  /bindings/0/temporal/activityType: Invalid input: expected string, received undefined',
    ],
    ['{"version":1,"bindings":[{"resource":"","function":{}}]}', '  /bindings/0/resource: Too small'],
    [
      '{"version":1,"bindings":[{"resource":"a","enabled":true}]}',
      '  /bindings/0/enabled: Invalid input: expected false',
    ],
    ['{"version":1,"disabledIntegrations":"sqs"}', '  /disabledIntegrations: Invalid input: expected array'],
  ])('%s is refused', (text, message) => {
    let thrown: unknown;
    try {
      parseBindings(text, 'f.json');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BindingsError);
    expect((thrown as Error).message).toContain(message);
  });

  test('a file over the size limit is refused before it is parsed', () => {
    expect(() => parseBindings(' '.repeat(MAX_BINDINGS_BYTES + 1), 'f.json')).toThrow(
      `f.json is larger than ${MAX_BINDINGS_BYTES} bytes`,
    );
  });
});

describe('currentBindings: loading and reloading the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-bindings-unit-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, value: unknown, mtime: number) => {
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    fs.utimesSync(file, mtime, mtime);
  };

  test('no file: the built-in defaults', () => {
    expect(currentBindings({})).toBe(DEFAULT_BINDING_SET);
  });

  test('re-read when it changes; a file that turns bad keeps the last good set; a bad first read throws', () => {
    const file = path.join(dir, 'b.json');
    write(file, { version: 1, bindings: [{ resource: 'a', function: { name: 'x' } }] }, 1_000);
    const first = currentBindings({ STEPFLOW_BINDINGS: file });
    expect(first.bindings).toEqual([{ resource: 'a', function: { name: 'x' } }]);
    // Unchanged (same size and mtime): the same object, not re-parsed.
    expect(currentBindings({ STEPFLOW_BINDINGS: file })).toBe(first);

    write(file, { version: 1, bindings: [{ resource: 'b', function: { name: 'yy' } }] }, 2_000);
    const second = currentBindings({ STEPFLOW_BINDINGS: file });
    expect([second.bindings[0].resource, second.version === first.version]).toEqual(['b', false]);

    const errors: unknown[] = [];
    const log = { error: (fields: unknown) => errors.push(fields), info: () => undefined } as never;
    write(file, '{"version":1,"bindings":[{"resource":"c"}]}', 3_000);
    expect(currentBindings({ STEPFLOW_BINDINGS: file }, log)).toBe(second);
    fs.rmSync(file);
    expect(currentBindings({ STEPFLOW_BINDINGS: file }, log)).toBe(second);
    expect(errors).toHaveLength(2);

    const other = path.join(dir, 'other.json');
    write(other, '{"version":1,"bogus":1}', 1_000);
    expect(() => currentBindings({ STEPFLOW_BINDINGS: other })).toThrow(BindingsError);
    expect(() => currentBindings({ STEPFLOW_BINDINGS: path.join(dir, 'missing.json') })).toThrow(
      /^STEPFLOW_BINDINGS: cannot read .*missing\.json: ENOENT/,
    );
  });
});

describe('resource bindings (pure)', () => {
  const set = (bindings: BindingSet['bindings'], disabledIntegrations: string[] = []): BindingSet => ({
    version: 'v',
    bindings,
    disabledIntegrations,
  });

  test.each([
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'a', true],
    ['*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxcyyb', false],
    ['ab*ba', 'aba', false],
    ['arn:aws:lambda:*:*:function:go-*', 'arn:aws:lambda:us-east-1:1:function:go-x', true],
    ['*', '', true],
  ])('globMatches(%s, %s) is %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });

  test('Lambda functions: by name, by function ARN pattern, first match wins, default FUNCTIONS_DIR', () => {
    const bindings = set([
      { resource: 'charge', http: { url: 'https://b.example/charge' } },
      { resource: 'arn:aws:lambda:*:*:function:geo-*', temporal: { taskQueue: 'go', activityType: 'Geo' } },
      { resource: 'geo-*', function: { name: 'never' } },
      { resource: 'real', lambda: {} },
      { resource: 'old', function: { name: 'new' } },
      { resource: 'off', enabled: false },
      { resource: 'arn:aws:states:::sqs:sendMessage', function: { name: 'not-a-function-match' } },
    ]);
    expect([
      functionImplementation(bindings, 'charge'),
      functionImplementation(bindings, 'geo-lookup'),
      functionImplementation(bindings, 'real'),
      functionImplementation(bindings, 'old'),
      functionImplementation(bindings, 'off'),
      functionImplementation(bindings, 'other'),
      functionImplementation(undefined, 'other'),
    ]).toEqual([
      { kind: 'http', url: 'https://b.example/charge' },
      { kind: 'temporal', taskQueue: 'go', activityType: 'Geo' },
      { kind: 'aws-lambda', functionName: 'real' },
      { kind: 'function', name: 'new' },
      { kind: 'unbound', reason: "The resource 'off' is turned off by this deployment's bindings" },
      { kind: 'function', name: 'other' },
      { kind: 'function', name: 'other' },
    ]);
  });

  test('integrations: bindings first, then the built-in ones unless turned off, else unbound with how to bind', () => {
    const bindings = set(
      [
        { resource: 'arn:aws:states:::glue:startJobRun', http: { url: 'https://jobs.example/glue' } },
        { resource: 'arn:aws:states:::sns:publish', enabled: false },
      ],
      ['events', 's3:putObject', 'aws-sdk'],
    );
    expect([
      integrationImplementation(bindings, 'arn:aws:states:::glue:startJobRun'),
      integrationImplementation(bindings, 'arn:aws:states:::glue:startJobRun.waitForTaskToken'),
      integrationImplementation(bindings, 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'),
      integrationImplementation(bindings, 'arn:aws:states:::s3:getObject'),
      integrationImplementation(DEFAULT_BINDING_SET, 'arn:aws:states:::aws-sdk:dynamodb:query'),
    ]).toEqual([
      { kind: 'http', url: 'https://jobs.example/glue' },
      { kind: 'http', url: 'https://jobs.example/glue' },
      { kind: 'integration', service: 'sqs', action: 'sendMessage' },
      { kind: 'integration', service: 's3', action: 'getObject' },
      { kind: 'integration', service: 'aws-sdk:dynamodb', action: 'query' },
    ]);
    expect(
      [
        'arn:aws:states:::sns:publish',
        'arn:aws:states:::events:putEvents',
        'arn:aws:states:::s3:putObject',
        'arn:aws:states:::aws-sdk:s3:listBuckets',
        'arn:aws:states:::aws-sdk:glue:getJob',
        'arn:aws:states:::dynamodb:query',
        'arn:aws:states:::glue:startJobRun.sync',
      ].map((resource) => integrationImplementation(bindings, resource)),
    ).toEqual([
      {
        kind: 'unbound',
        reason: "The resource 'arn:aws:states:::sns:publish' is turned off by this deployment's bindings",
      },
      {
        kind: 'unbound',
        reason: `The integration 'events:putEvents' is turned off by this deployment (disabledIntegrations); ${HOW}`,
      },
      {
        kind: 'unbound',
        reason: `The integration 's3:putObject' is turned off by this deployment (disabledIntegrations); ${HOW}`,
      },
      {
        kind: 'unbound',
        reason: `The integration 'aws-sdk:s3:listBuckets' is turned off by this deployment (disabledIntegrations); ${HOW}`,
      },
      {
        kind: 'unbound',
        reason: `The integration 'aws-sdk:glue:getJob' is turned off by this deployment (disabledIntegrations); ${HOW}`,
      },
      {
        kind: 'unbound',
        reason: `The resource 'arn:aws:states:::dynamodb:query' cannot run: Stepflow has no built-in integration for it; ${HOW}`,
      },
      { kind: 'unbound', reason: `The resource 'arn:aws:states:::glue:startJobRun.sync' is not supported: ${HOW}` },
    ]);
    expect(integrationImplementation(DEFAULT_BINDING_SET, 'arn:aws:states:::aws-sdk:glue:getJob')).toEqual({
      kind: 'unbound',
      reason: `The resource 'arn:aws:states:::aws-sdk:glue:getJob' cannot run: no AWS SDK client for 'glue' is installed; ${HOW}`,
    });
  });

  test('unsupportedResources: a WARNING per unbound Task Resource with its JSON pointer, nested states included', () => {
    const definition = {
      StartAt: 'a/b',
      States: {
        'a/b': { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun', Next: 'P' },
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'M',
              States: {
                M: {
                  Type: 'Map',
                  ItemProcessor: {
                    StartAt: 'E~',
                    States: { 'E~': { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', End: true } },
                  },
                  End: true,
                },
              },
            },
          ],
          Next: 'Ok',
        },
        Ok: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Next: 'Fn' },
        Fn: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:anything', End: true },
      },
    };
    expect(unsupportedResources(definition, set([], ['events']))).toEqual([
      {
        severity: 'WARNING',
        code: 'UNSUPPORTED_RESOURCE',
        location: '/States/a~1b/Resource',
        message: `The resource 'arn:aws:states:::glue:startJobRun' cannot run: Stepflow has no built-in integration for it; ${HOW}`,
      },
      {
        severity: 'WARNING',
        code: 'UNSUPPORTED_RESOURCE',
        location: '/States/P/Branches/0/States/M/ItemProcessor/States/E~0/Resource',
        message: `The integration 'events:putEvents' is turned off by this deployment (disabledIntegrations); ${HOW}`,
      },
    ]);
    expect(unsupportedResources(definition, DEFAULT_BINDING_SET).map((d) => d.location)).toEqual([
      '/States/a~1b/Resource',
    ]);
  });
});

describe('AWS error names', () => {
  test.each([
    [
      { name: 'ConditionalCheckFailedException', message: 'm', $metadata: { httpStatusCode: 400 } },
      'DynamoDB.ConditionalCheckFailedException',
    ],
    [
      { name: 'QueueDoesNotExist', message: 'm', $metadata: { httpStatusCode: 400 } },
      'DynamoDB.QueueDoesNotExistException',
    ],
    [{ name: 'Error', message: 'm', $metadata: { httpStatusCode: 500 } }, 'DynamoDB.AmazonServiceException'],
    [{ name: 'TimeoutError', message: 'm', $metadata: {} }, 'DynamoDB.SdkClientException'],
    [new Error('socket hang up'), 'DynamoDB.SdkClientException'],
  ])('%j is %s', (err, name) => {
    const failed = failure('DynamoDB', err);
    expect([failed.error, failed.causeText]).toEqual([name, (err as Error).message]);
  });
});
