import { validateDefinition } from '../../engine/core/validate';

const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** A one-state machine around `state`, named S. */
function machine(state: Record<string, unknown>): unknown {
  return { StartAt: 'S', States: { S: state } };
}

describe('validateDefinition state rules', () => {
  test('reports a state that has both Next and End', () => {
    expect(
      validateDefinition({
        StartAt: 'S',
        States: { S: { Type: 'Pass', Next: 'T', End: true }, T: { Type: 'Succeed' } },
      }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "A Pass state cannot have both 'Next' and 'End'",
      },
    ]);
  });

  test('reports a state that has neither Next nor End', () => {
    expect(
      validateDefinition({ StartAt: 'S', States: { S: { Type: 'Task', Resource: LAMBDA }, Z: { Type: 'Succeed' } } }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "A Task state must have either 'Next' or 'End': true",
      },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/Z', message: 'State "Z" is not reachable.' },
    ]);
  });

  test('reports Next and End as unsupported when a Choice, Succeed or Fail state has them', () => {
    const problems = validateDefinition({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'OK' }], Default: 'KO', Next: 'OK' },
        OK: { Type: 'Succeed', End: true },
        KO: { Type: 'Fail', Next: 'OK' },
      },
    });
    expect(problems).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Next',
        message: "Field 'Next' is not supported in a Choice state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/OK/End',
        message: "Field 'End' is not supported in a Succeed state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/KO/Next',
        message: "Field 'Next' is not supported in a Fail state",
      },
    ]);
  });

  test('reports a field together with its Path twin and Heartbeat not below Timeout', () => {
    const task = {
      Type: 'Task',
      Resource: LAMBDA,
      TimeoutSeconds: 5,
      TimeoutSecondsPath: '$.t',
      HeartbeatSeconds: 5,
      End: true,
    };
    expect(validateDefinition(machine(task))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'TimeoutSeconds' and 'TimeoutSecondsPath' cannot both be set",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/HeartbeatSeconds',
        message: "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
      },
    ]);
  });

  test('reports non-positive and fractional timeouts when TimeoutSeconds and HeartbeatSeconds are not positive integers', () => {
    expect(
      validateDefinition(
        machine({ Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 0, HeartbeatSeconds: 1.5, End: true }),
      ),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/TimeoutSeconds',
        message: "The field 'TimeoutSeconds' must be a positive integer",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/HeartbeatSeconds',
        message: "The field 'HeartbeatSeconds' must be an integer",
      },
    ]);
  });

  test('reports every retrier field out of range when a retrier is malformed', () => {
    const retry = [
      {
        ErrorEquals: ['E'],
        IntervalSeconds: 0,
        MaxAttempts: -1,
        BackoffRate: 0.5,
        MaxDelaySeconds: 31622401,
        JitterStrategy: 'SOME',
      },
    ];
    expect(validateDefinition(machine({ Type: 'Task', Resource: LAMBDA, Retry: retry, End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/IntervalSeconds',
        message: "The field 'IntervalSeconds' must be a positive integer",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/MaxAttempts',
        message: "The field 'MaxAttempts' must be a non-negative integer",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/BackoffRate',
        message: "The field 'BackoffRate' must be at least 1.0",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/MaxDelaySeconds',
        message: "The field 'MaxDelaySeconds' must be at most 31622400",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/JitterStrategy',
        message: 'Value should be one of the following: [FULL, NONE]',
      },
    ]);
  });

  test('reports States.ALL when it is not alone or not last in Retry and Catch', () => {
    const state = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }],
      Retry: [{ ErrorEquals: ['States.ALL', 'Custom'] }, { ErrorEquals: ['Other'] }],
      Catch: [
        { ErrorEquals: ['States.ALL'], Next: 'S' },
        { ErrorEquals: [], Next: 'S' },
      ],
      End: true,
    };
    expect(validateDefinition(machine(state))).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/S/Catch/1/ErrorEquals', message: 'Value cannot be empty' },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0/ErrorEquals',
        message: "'States.ALL' must be the only error name in 'ErrorEquals'",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Retry/0',
        message: "A retrier with 'States.ALL' must be the last one in 'Retry'",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Catch/0',
        message: "A catcher with 'States.ALL' must be the last one in 'Catch'",
      },
    ]);
  });

  test('checks the retriers of Compensate when a Task declares one', () => {
    const compensate = {
      Resource: LAMBDA,
      Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'], MaxAttempts: -2 }],
    };
    expect(validateDefinition(machine({ Type: 'Task', Resource: LAMBDA, Compensate: compensate, End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Compensate/Retry/1/MaxAttempts',
        message: "The field 'MaxAttempts' must be a non-negative integer",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Compensate/Retry/0',
        message: "A retrier with 'States.ALL' must be the last one in 'Retry'",
      },
    ]);
  });

  test('reports a Wait state with none of its four fields', () => {
    expect(validateDefinition(machine({ Type: 'Wait', End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "A Wait state needs exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'",
      },
    ]);
  });

  test('reports a Wait state with two of its four fields and a bad timestamp', () => {
    expect(
      validateDefinition(machine({ Type: 'Wait', Timestamp: '2016-13-05T21:29:29Z', SecondsPath: '$.s', End: true })),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Timestamp',
        message: 'String does not match RFC3339 timestamp',
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message:
          "A Wait state needs exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'; found 'Timestamp', 'SecondsPath'",
      },
    ]);
  });

  test.each([
    ['2016-12-05T25:29:29Z'],
    ['2016-02-30T00:00:00Z'],
    ['2016-03-14t01:59:00z'],
    ['2016-03-14T01:59:00'],
    ['2016-03-14 01:59:00Z'],
  ])('rejects the Wait Timestamp %s when it is not RFC 3339', (timestamp) => {
    expect(validateDefinition(machine({ Type: 'Wait', Timestamp: timestamp, End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Timestamp',
        message: 'String does not match RFC3339 timestamp',
      },
    ]);
  });

  test('reports a negative Wait Seconds', () => {
    expect(validateDefinition(machine({ Type: 'Wait', Seconds: -1, End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Seconds',
        message: "The field 'Seconds' must be a non-negative integer",
      },
    ]);
  });

  test('reports Fail fields set together with their Path twins', () => {
    expect(
      validateDefinition(machine({ Type: 'Fail', Error: 'E', ErrorPath: '$.e', Cause: 'c', CausePath: '$.c' })),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'Error' and 'ErrorPath' cannot both be set",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'Cause' and 'CausePath' cannot both be set",
      },
    ]);
  });

  test('reports a Map without a processor and with conflicting fields', () => {
    const map = {
      Type: 'Map',
      ItemSelector: {},
      Parameters: {},
      MaxConcurrency: -1,
      MaxConcurrencyPath: '$.m',
      ToleratedFailurePercentage: 101,
      End: true,
    };
    expect(validateDefinition(machine(map))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/MaxConcurrency',
        message: "The field 'MaxConcurrency' must be a non-negative integer",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/ToleratedFailurePercentage',
        message: "The field 'ToleratedFailurePercentage' must be between 0 and 100",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'ItemSelector' and 'Parameters' cannot both be set",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'MaxConcurrency' and 'MaxConcurrencyPath' cannot both be set",
      },
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/S', message: 'These fields are required: [ItemProcessor]' },
    ]);
  });

  test('reports a Map with both ItemProcessor and Iterator and a bad ProcessorConfig', () => {
    const processor = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const map = {
      Type: 'Map',
      ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'FAST' } },
      Iterator: { StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } },
      End: true,
    };
    expect(validateDefinition(machine(map))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/ItemProcessor/ProcessorConfig/Mode',
        message: 'Value should be one of the following: [INLINE, DISTRIBUTED]',
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S',
        message: "Fields 'ItemProcessor' and 'Iterator' cannot both be set",
      },
    ]);
  });

  test('reports QueryLanguage when an ItemProcessor or a branch declares one', () => {
    const inner = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } }, QueryLanguage: 'JSONPath' };
    expect(validateDefinition(machine({ Type: 'Parallel', Branches: [inner], End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Branches/0/QueryLanguage',
        message: "Field 'QueryLanguage' is not supported",
      },
    ]);
  });

  test('reports an empty Branches list', () => {
    expect(validateDefinition(machine({ Type: 'Parallel', Branches: [], End: true }))).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/S/Branches', message: 'Value cannot be empty' },
    ]);
  });

  test('reports Credentials without a RoleArn', () => {
    expect(validateDefinition(machine({ Type: 'Task', Resource: LAMBDA, Credentials: {}, End: true }))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/Credentials',
        message: 'These fields are required: [RoleArn]',
      },
    ]);
  });

  test('reports a Map Label longer than 40 characters', () => {
    const processor = {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } },
    };
    const map = { Type: 'Map', Label: 'l'.repeat(41), ItemProcessor: processor, End: true };
    expect(validateDefinition(machine(map))).toEqual([
      {
        code: 'INVALID_LABEL_NAME',
        path: '/States/S/Label',
        message: "The field 'Label' must be between 1 and 40 characters long",
      },
    ]);
  });
});

describe('validateDefinition TimeoutSeconds and HeartbeatSeconds limit', () => {
  test('reports TimeoutSeconds and HeartbeatSeconds above 99,999,999 on a JSONPath Task', () => {
    expect(
      validateDefinition(
        machine({
          Type: 'Task',
          Resource: LAMBDA,
          TimeoutSeconds: 100_000_001,
          HeartbeatSeconds: 100_000_000,
          End: true,
        }),
      ),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/TimeoutSeconds',
        message: "The field 'TimeoutSeconds' must be at most 99999999",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/HeartbeatSeconds',
        message: "The field 'HeartbeatSeconds' must be at most 99999999",
      },
    ]);
  });

  test('reports the machine TimeoutSeconds above 99,999,999', () => {
    expect(
      validateDefinition({ StartAt: 'P', TimeoutSeconds: 100_000_000, States: { P: { Type: 'Pass', End: true } } }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/TimeoutSeconds',
        message: "The field 'TimeoutSeconds' must be at most 99999999",
      },
    ]);
  });

  test('reports TimeoutSeconds above 99,999,999 on a JSONata Task', () => {
    expect(
      validateDefinition(
        machine({ Type: 'Task', QueryLanguage: 'JSONata', Resource: LAMBDA, TimeoutSeconds: 100_000_000, End: true }),
      ),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/S/TimeoutSeconds',
        message:
          "The field 'TimeoutSeconds' must be a positive integer up to 99999999 or a JSONata expression '{% ... %}'",
      },
    ]);
  });

  test('accepts 99,999,999 exactly', () => {
    expect(
      validateDefinition({
        StartAt: 'S',
        TimeoutSeconds: 99_999_999,
        States: {
          S: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 99_999_999, HeartbeatSeconds: 99_999_998, End: true },
        },
      }),
    ).toEqual([]);
  });
});
