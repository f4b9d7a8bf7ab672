import { validateDefinition } from '../../engine/core/validate';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const pass = { Type: 'Pass', End: true };

describe('validateDefinition query languages and extensions', () => {
  test('accepts a JSONata machine when its fields hold expressions', () => {
    expect(
      validateDefinition({
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% 1 %}', End: true } },
      }),
    ).toEqual([]);
  });

  test('accepts one JSONata state when it uses Arguments and an expression timeout', () => {
    const state = {
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: LAMBDA,
      Arguments: {},
      TimeoutSeconds: '{% 1 %}',
      End: true,
    };
    expect(validateDefinition({ StartAt: 'T', States: { T: state } })).toEqual([]);
  });

  test('reports an unknown QueryLanguage against the enum when it is misspelt', () => {
    expect(validateDefinition({ QueryLanguage: 'jsonpath', StartAt: 'P', States: { P: pass } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/QueryLanguage',
        message: 'Value should be one of the following: [JSONPath, JSONata]',
      },
    ]);
  });

  test('reports the downgrade as AWS does when a state sets JSONPath under a JSONata machine', () => {
    expect(
      validateDefinition({
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { ...pass, QueryLanguage: 'JSONPath' } },
      }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P',
        message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
      },
    ]);
  });

  test('names the language mismatch and accepts Assign when a JSONPath state uses Output and Assign', () => {
    expect(validateDefinition({ StartAt: 'P', States: { P: { ...pass, Assign: { x: 1 }, Output: 1 } } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Output',
        message:
          "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
      },
    ]);
  });

  test('still validates the states inside a JSONata Map when they inherit JSONPath from the machine', () => {
    const map = {
      Type: 'Map',
      QueryLanguage: 'JSONata',
      Items: '{% [1, 2] %}',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Nxt: 1, InputPath: 'bad', End: true } } },
      End: true,
    };
    expect(validateDefinition({ StartAt: 'M', States: { M: map } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/ItemProcessor/States/P/Nxt',
        message: "Field 'Nxt' is not supported in a Pass state",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/M/ItemProcessor/States/P/InputPath',
        message: "The value for the field 'InputPath' must be a valid JSONPath",
      },
    ]);
  });

  test('accepts workflow variable references when a path reads $name', () => {
    const state = { Type: 'Pass', InputPath: '$answer', Parameters: { 'q.$': '$question.text' }, End: true };
    expect(validateDefinition({ StartAt: 'P', States: { P: state } })).toEqual([]);
  });

  test('reports Compensate when it is on a non-Task state', () => {
    expect(validateDefinition({ StartAt: 'P', States: { P: { ...pass, Compensate: { Resource: LAMBDA } } } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Compensate',
        message: 'Compensate is only allowed on Task states',
      },
    ]);
  });

  test('reports a Compensate without Resource when a Task declares one', () => {
    expect(
      validateDefinition({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: LAMBDA, Compensate: { Parameters: {} }, End: true } },
      }),
    ).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/T/Compensate',
        message: 'These fields are required: [Resource]',
      },
    ]);
  });
});

describe('validateDefinition JSONata structure', () => {
  const jsonata = (states: Record<string, unknown>) =>
    validateDefinition({ QueryLanguage: 'JSONata', StartAt: 'P', States: states });

  test('reports a missing Branches when a JSONata Parallel has none', () => {
    expect(jsonata({ P: { Type: 'Parallel', Arguments: [], End: true } })).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/P', message: 'These fields are required: [Branches]' },
    ]);
  });

  test('reports a missing StartAt and a catcher without Next when they sit in a JSONata state', () => {
    expect(
      jsonata({
        P: {
          Type: 'Parallel',
          Branches: [{ States: { B: { Type: 'Succeed' } } }],
          Catch: [{ ErrorEquals: ['States.ALL'] }],
          End: true,
        },
      }),
    ).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/P/Catch/0', message: 'These fields are required: [Next]' },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Branches/0',
        message: 'These fields are required: [StartAt]',
      },
    ]);
  });

  test('reports structural fields of the wrong type or empty when the state is JSONata', () => {
    expect(jsonata({ P: { Type: 'Choice', Choices: [], Default: 'E' }, E: { Type: 'Succeed' } })).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/P/Choices', message: 'Value cannot be empty' },
    ]);
    expect(jsonata({ P: { Type: 'Pass', Next: 5, End: 'yes' } })).toEqual(
      expect.arrayContaining([
        { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/P/Next', message: "The field 'Next' must be a string" },
        { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/P/End', message: "The field 'End' must be a boolean" },
      ]),
    );
  });

  test('still leaves expression fields to the JSONata checks when they hold {% %}', () => {
    expect(jsonata({ P: { Type: 'Wait', Seconds: '{% 1 %}', End: true } })).toEqual([]);
  });
});
