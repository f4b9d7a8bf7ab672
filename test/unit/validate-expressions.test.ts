import { parseIntrinsic } from '../../engine/core/intrinsics';
import { validateDefinition } from '../../engine/core/validate';

const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** The intrinsic parser's own message for `expr` (its wording is the parser's to choose). */
function intrinsicError(expr: string): string {
  try {
    parseIntrinsic(expr);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${expr} parsed`);
}

/** A Choice machine with `rules`, every rule routing to the Succeed state D. */
function choice(rules: unknown[]): unknown {
  return { StartAt: 'C', States: { C: { Type: 'Choice', Choices: rules, Default: 'D' }, D: { Type: 'Succeed' } } };
}

describe('validateDefinition Choice rules', () => {
  test('accepts nested And, Or and Not rules with every kind of operand', () => {
    expect(
      validateDefinition(
        choice([
          {
            And: [
              { Variable: '$.a', IsPresent: true },
              { Not: { Variable: '$.a', IsNull: true } },
              {
                Or: [
                  { Variable: '$.n', NumericGreaterThanEquals: 1 },
                  { Variable: '$.n', NumericLessThanPath: '$.max' },
                ],
              },
            ],
            Next: 'D',
          },
          { Variable: '$.s', StringMatches: 'log-*.txt', Next: 'D' },
          { Variable: '$$.Execution.StartTime', TimestampGreaterThan: '2016-03-14T01:59:00Z', Next: 'D' },
          { Variable: '$.b', BooleanEqualsPath: '$$.Execution.Input.b', Next: 'D', Comment: 'paths on both sides' },
        ]),
      ),
    ).toEqual([]);
  });

  test('reports a rule with two operators and a rule with none', () => {
    expect(
      validateDefinition(
        choice([
          { Variable: '$.x', StringEquals: 'a', NumericEquals: 1, Next: 'D' },
          { Variable: '$.x', Next: 'D' },
        ]),
      ),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0',
        message: "A Choice rule needs exactly one comparison operator; found 'StringEquals', 'NumericEquals'",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/1',
        message: "A Choice rule needs exactly one comparison operator (e.g. 'StringEquals') or 'And', 'Or', 'Not'",
      },
    ]);
  });

  test('reports a missing Next on a top-level rule and a Next on a nested rule', () => {
    expect(validateDefinition(choice([{ Not: { Variable: '$.x', IsNull: true, Next: 'D' } }]))).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/C/Choices/0', message: 'These fields are required: [Next]' },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0/Not/Next',
        message: "Field 'Next' is only allowed on top-level Choice rules",
      },
    ]);
  });

  test('reports a comparison without Variable and an And with one', () => {
    expect(
      validateDefinition(
        choice([{ IsPresent: true }, { Variable: '$.y', And: [{ Variable: '$.y', IsString: true }], Next: 'D' }]),
      ),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0',
        message: 'These fields are required: [Next, Variable]',
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/1/Variable',
        message: "Field 'Variable' is not supported with 'And'",
      },
    ]);
  });

  test('reports invalid paths when Variable or a Path comparator is not a JSONPath', () => {
    expect(validateDefinition(choice([{ Variable: 'x', StringEqualsPath: '$..[', Next: 'D' }]))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0/Variable',
        message: "The value for the field 'Variable' must be a valid JSONPath",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0/StringEqualsPath',
        message: "The value for the field 'StringEqualsPath' must be a valid JSONPath",
      },
    ]);
  });

  test('reports operand types, timestamps, misspelt operators and empty lists', () => {
    const rules = [
      { Variable: '$.n', NumericEquals: '1', Next: 'D' },
      { Variable: '$.t', TimestampEquals: 'yesterday', Next: 'D' },
      { Variable: '$.s', StringEqual: 'x', Next: 'D' },
      { Or: [], Next: 'D' },
    ];
    expect(validateDefinition(choice(rules))).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/0/NumericEquals',
        message: "The field 'NumericEquals' must be a number",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/1/TimestampEquals',
        message: 'String does not match RFC3339 timestamp',
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/2/StringEqual',
        message: "Field 'StringEqual' is not supported in a Choice rule",
      },
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/C/Choices/3/Or', message: 'Value cannot be empty' },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/C/Choices/2',
        message: "A Choice rule needs exactly one comparison operator (e.g. 'StringEquals') or 'And', 'Or', 'Not'",
      },
    ]);
  });

  test('reports an empty Choices list', () => {
    expect(validateDefinition(choice([]))).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/C/Choices', message: 'Value cannot be empty' },
    ]);
  });
});

describe('validateDefinition paths and payload templates', () => {
  test('reports InputPath, OutputPath and ItemsPath when they are not JSONPaths', () => {
    const map = {
      Type: 'Map',
      InputPath: 'input',
      OutputPath: '$.[',
      ItemsPath: '.items',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    };
    expect(validateDefinition({ StartAt: 'M', States: { M: map } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/InputPath',
        message: "The value for the field 'InputPath' must be a valid JSONPath",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/OutputPath',
        message: "The value for the field 'OutputPath' must be a valid JSONPath",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/ItemsPath',
        message: "The value for the field 'ItemsPath' must be a valid JSONPath",
      },
    ]);
  });

  test('reports ResultPath when it is not a reference path into the state data', () => {
    const task = {
      Type: 'Task',
      Resource: LAMBDA,
      ResultPath: '$$.x',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.errors[*]', Next: 'T' }],
      End: true,
    };
    expect(validateDefinition({ StartAt: 'T', States: { T: task } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/ResultPath',
        message: "The value for the field 'ResultPath' must be a valid ReferencePath",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/Catch/0/ResultPath',
        message: "The value for the field 'ResultPath' must be a valid ReferencePath",
      },
    ]);
  });

  test('reports …Path fields when they are not reference paths', () => {
    const task = { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t[*]', HeartbeatSecondsPath: 'h', End: true };
    expect(validateDefinition({ StartAt: 'T', States: { T: task } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/TimeoutSecondsPath',
        message: "The value for the field 'TimeoutSecondsPath' must be a valid ReferencePath",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/HeartbeatSecondsPath',
        message: "The value for the field 'HeartbeatSecondsPath' must be a valid ReferencePath",
      },
    ]);
  });

  test('reports .$ keys at any depth when they hold neither a path nor a valid intrinsic', () => {
    const parameters = {
      'a.$': 'nope',
      nested: { list: [{ 'b.$': "States.Format('{}')" }], 'c.$': 3 },
      literal: '$.not-a-path-but-literal',
    };
    expect(
      validateDefinition({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: parameters, End: true } } }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Parameters/a.$',
        message: "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Parameters/nested/list/0/b.$',
        message: `Invalid intrinsic function call in field 'b.$': ${intrinsicError("States.Format('{}')")}`,
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Parameters/nested/c.$',
        message: "The value for the field 'c.$' must be a string holding a JSONPath or an intrinsic function call",
      },
    ]);
  });

  test('checks ResultSelector, ItemSelector and Compensate Parameters templates', () => {
    const task = {
      Type: 'Task',
      Resource: LAMBDA,
      ResultSelector: { 'x.$': 'x' },
      Compensate: { Resource: LAMBDA, Parameters: { 'y.$': 'y' } },
      Next: 'M',
    };
    const map = {
      Type: 'Map',
      ItemSelector: { 'z.$': 'z' },
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    };
    expect(validateDefinition({ StartAt: 'T', States: { T: task, M: map } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/ResultSelector/x.$',
        message: "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/Compensate/Parameters/y.$',
        message: "The value for the field 'y.$' must be a valid JSONPath or a valid intrinsic function call",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/ItemSelector/z.$',
        message: "The value for the field 'z.$' must be a valid JSONPath or a valid intrinsic function call",
      },
    ]);
  });

  test('reports Fail ErrorPath and CausePath when they are neither reference paths nor valid intrinsics', () => {
    expect(
      validateDefinition({
        StartAt: 'F',
        States: { F: { Type: 'Fail', ErrorPath: '$.e[*]', CausePath: 'States.Nope()' } },
      }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/F/ErrorPath',
        message: "The value for the field 'ErrorPath' must be a valid ReferencePath or a valid intrinsic function call",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/F/CausePath',
        message: `Invalid intrinsic function call in field 'CausePath': ${intrinsicError('States.Nope()')}`,
      },
    ]);
  });
});
