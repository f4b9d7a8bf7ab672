import { parseDefinition, validateDefinition } from '../../engine/core/validate';
import { MAX_DEFINITION_DEPTH } from '../../engine/core/validate/depth';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const pass = { Type: 'Pass', End: true };

describe('validateDefinition', () => {
  test('accepts a Pass → Task → Succeed machine when every field is valid', () => {
    expect(
      validateDefinition({
        Comment: 'hello',
        Version: '1.0',
        TimeoutSeconds: 300,
        QueryLanguage: 'JSONPath',
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Result: { n: 1 }, ResultPath: '$.prepared', Next: 'Call' },
          Call: {
            Type: 'Task',
            Resource: LAMBDA,
            Parameters: { FunctionName: 'greet', 'Payload.$': '$', 'Name.$': "States.Format('hi {}', $.name)" },
            ResultSelector: { 'body.$': '$.Payload' },
            ResultPath: '$.result',
            OutputPath: '$.result',
            TimeoutSeconds: 30,
            HeartbeatSeconds: 10,
            Retry: [
              {
                ErrorEquals: ['Lambda.TooManyRequestsException'],
                IntervalSeconds: 2,
                MaxAttempts: 0,
                BackoffRate: 1.5,
                MaxDelaySeconds: 10,
                JitterStrategy: 'FULL',
              },
              { ErrorEquals: ['States.ALL'] },
            ],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
            Credentials: { RoleArn: 'arn:aws:iam::123456789012:role/x' },
            Compensate: {
              Resource: LAMBDA,
              Parameters: { 'id.$': '$.id' },
              Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 5 }],
            },
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      }),
    ).toEqual([]);
  });

  test('accepts a Parallel state when its branches are closed scopes', () => {
    expect(
      validateDefinition({
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Parallel',
            Parameters: { 'x.$': '$.x' },
            Branches: [
              { StartAt: 'A1', States: { A1: { Type: 'Pass', Next: 'A2' }, A2: { Type: 'Succeed' } } },
              { Comment: 'b', StartAt: 'B1', States: { B1: { Type: 'Fail', Error: 'E', Cause: 'c' } } },
            ],
            ResultSelector: { 'first.$': '$[0]' },
            Catch: [{ ErrorEquals: ['E'], Next: 'Handled' }],
            End: true,
          },
          Handled: pass,
        },
      }),
    ).toEqual([]);
  });

  test('accepts a Map with an ItemProcessor when its fields are valid', () => {
    expect(
      validateDefinition({
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
            MaxConcurrency: 0,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Work',
              States: { Work: { Type: 'Task', Resource: LAMBDA, End: true } },
            },
            ResultPath: '$.results',
            End: true,
          },
        },
      }),
    ).toEqual([]);
  });

  test('accepts a Map with the legacy Iterator and Parameters', () => {
    expect(
      validateDefinition({
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Parameters: { 'item.$': '$$.Map.Item.Value' },
            MaxConcurrencyPath: '$.concurrency',
            Iterator: { StartAt: 'Work', States: { Work: pass } },
            End: true,
          },
        },
      }),
    ).toEqual([]);
  });

  test('accepts a distributed Map when its reader, batcher and writer are valid', () => {
    expect(
      validateDefinition({
        StartAt: 'Big',
        States: {
          Big: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              Parameters: { Bucket: 'b', 'Key.$': '$.key' },
              ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 10 },
            },
            ItemBatcher: { MaxItemsPerBatch: 5, BatchInput: { 'run.$': '$$.Execution.Id' } },
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Parameters: { Bucket: 'b', Prefix: 'out' },
              WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' },
            },
            ToleratedFailurePercentage: 5,
            ToleratedFailureCountPath: '$.tolerated',
            Label: 'big-run',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
              StartAt: 'One',
              States: { One: pass },
            },
            End: true,
          },
        },
      }),
    ).toEqual([]);
  });

  test('accepts each of the four Wait forms when exactly one is set', () => {
    const forms = [
      { Seconds: 0 },
      { Timestamp: '2016-03-14T01:59:00.123+02:00' },
      { SecondsPath: '$.s' },
      { TimestampPath: '$$.Execution.StartTime' },
    ];
    for (const form of forms) {
      expect(validateDefinition({ StartAt: 'W', States: { W: { Type: 'Wait', ...form, End: true } } })).toEqual([]);
    }
  });

  test('accepts Fail states when they use literals or paths and intrinsics', () => {
    expect(
      validateDefinition({
        StartAt: 'Pick',
        States: {
          Pick: {
            Type: 'Choice',
            Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Literal' }],
            Default: 'Dynamic',
          },
          Literal: { Type: 'Fail', Error: 'Bad', Cause: 'because' },
          Dynamic: { Type: 'Fail', ErrorPath: '$.error', CausePath: "States.Format('cause: {}', $.cause)" },
        },
      }),
    ).toEqual([]);
  });

  test('accepts a loop without a terminal state when it is inside a Map processor', () => {
    // AWS checks for a terminal state on the top-level machine only.
    const loop = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } };
    expect(
      validateDefinition({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: loop, End: true } } }),
    ).toEqual([]);
  });

  test('reports one problem when the definition is not an object', () => {
    expect(validateDefinition([])).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '', message: 'Definition must be a valid JSON object' },
    ]);
  });

  test('reports the missing top-level fields together when StartAt and States are absent', () => {
    expect(validateDefinition({})).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '', message: 'These fields are required: [States, StartAt]' },
    ]);
  });

  test('reports an unknown field with the state type when a Pass state has a typo', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Nxt: 'B', End: true } } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/Nxt',
        message: "Field 'Nxt' is not supported in a Pass state",
      },
    ]);
  });

  test('reports fields a state type does not accept when Retry, Catch or TimeoutSeconds are misplaced', () => {
    const problems = validateDefinition({
      StartAt: 'A',
      States: { A: { Type: 'Wait', Seconds: 1, TimeoutSeconds: 5, Retry: [], Catch: [], End: true } },
    });
    expect(problems).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/TimeoutSeconds',
        message: "Field 'TimeoutSeconds' is not supported in a Wait state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/Retry',
        message: "Field 'Retry' is not supported in a Wait state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/Catch',
        message: "Field 'Catch' is not supported in a Wait state",
      },
    ]);
  });

  test('reports wrong types and unknown top-level fields when values have the wrong shape', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: 5 }, Extra: 1, TimeoutSeconds: 0, Version: 1 })).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/A', message: "The field 'A' must be an object" },
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/Version', message: "The field 'Version' must be a string" },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/TimeoutSeconds',
        message: "The field 'TimeoutSeconds' must be a positive integer",
      },
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/Extra', message: "Field 'Extra' is not supported" },
    ]);
  });

  test('reports an invalid and a missing Type when states have no known type', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Foo', Next: 'B' }, B: { End: true } } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/Type',
        message: 'Value should be one of the following: [Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map]',
      },
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/B', message: 'These fields are required: [Type]' },
    ]);
  });

  test('escapes ~ and / in pointers when a state name contains them', () => {
    expect(validateDefinition({ StartAt: 'a/b~c', States: { 'a/b~c': { Type: 'Pass', Nope: 1, End: true } } })).toEqual(
      [
        {
          code: 'SCHEMA_VALIDATION_FAILED',
          path: '/States/a~1b~0c/Nope',
          message: "Field 'Nope' is not supported in a Pass state",
        },
      ],
    );
  });

  test('reports every problem at once when a definition has several', () => {
    const problems = validateDefinition({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Nxt: 'B', Next: 'Ghost' },
        B: { Type: 'Wait', End: true },
      },
    });
    expect(problems).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/A/Nxt',
        message: "Field 'Nxt' is not supported in a Pass state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/B',
        message: "A Wait state needs exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'",
      },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/A/Next', message: "Missing 'Next' target: Ghost" },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/B', message: 'State "B" is not reachable.' },
    ]);
  });
});

describe('parseDefinition', () => {
  test('returns the typed definition when a JSON string is valid', () => {
    expect(parseDefinition('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}')).toEqual({
      definition: { StartAt: 'A', States: { A: { Type: 'Succeed' } } },
      problems: [],
    });
  });

  test('returns one INVALID_JSON problem when the string is not JSON', () => {
    // The reason is the JSON parser's own text, which differs between Node versions.
    let reason = '';
    try {
      JSON.parse('{nope');
    } catch (err) {
      reason = (err as Error).message;
    }
    expect(parseDefinition('{nope')).toEqual({
      problems: [{ code: 'INVALID_JSON', path: '', message: `Definition is not valid JSON: ${reason}` }],
    });
  });

  test('returns problems and no definition when an object is invalid', () => {
    expect(parseDefinition({ StartAt: 'A' })).toEqual({
      problems: [{ code: 'SCHEMA_VALIDATION_FAILED', path: '', message: 'These fields are required: [States]' }],
    });
  });
});

describe('validateDefinition nesting depth', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  }

  test('refuses a definition nested past MAX_DEFINITION_DEPTH with one problem instead of overflowing the stack', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Result: nested(20_000), End: true } } };
    const problems = validateDefinition(definition);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      code: 'SCHEMA_VALIDATION_FAILED',
      path: `/States/A/Result${'/a'.repeat(MAX_DEFINITION_DEPTH - 3)}`,
      message: `The definition nests arrays and objects more than ${MAX_DEFINITION_DEPTH} levels deep`,
    });
    const text = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}}`;
    expect(parseDefinition(text).problems).toEqual(problems);
  });

  test('accepts a definition nested up to the limit when it is otherwise valid', () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: nested(MAX_DEFINITION_DEPTH - 5), End: true } },
    };
    expect(validateDefinition(definition)).toEqual([]);
  });
});

describe('validateDefinition Map ItemsPath', () => {
  test('refuses "ItemsPath": null when a Map sets it (a reference path; only InputPath, OutputPath and ResultPath take null)', () => {
    const map = {
      Type: 'Map',
      ItemsPath: null,
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    };
    expect(validateDefinition({ StartAt: 'M', States: { M: map } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/ItemsPath',
        message: "The field 'ItemsPath' must be a string",
      },
    ]);
  });
});
