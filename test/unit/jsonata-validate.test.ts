import { validateDefinition } from '../../engine/core/validate';
import { inspectExpression } from '../../engine/core/jsonata/check';

const machine = (states: Record<string, unknown>, top: Record<string, unknown> = { QueryLanguage: 'JSONata' }) => ({
  ...top,
  StartAt: Object.keys(states)[0],
  States: states,
});
const messages = (definition: unknown) => validateDefinition(definition).map((p) => `${p.path}: ${p.message}`);

describe('validateDefinition for JSONata states', () => {
  test('names JSONPath-only fields with their pointer when a JSONata state uses them', () => {
    expect(
      messages(machine({ P: { Type: 'Pass', InputPath: '$', ResultPath: '$.x', Parameters: {}, End: true } })),
    ).toEqual([
      "/States/P/InputPath: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
      "/States/P/ResultPath: The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage",
      "/States/P/Parameters: The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage",
    ]);
  });

  test('rejects Variable in a JSONata Choice rule when the rule mixes languages', () => {
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.x', Condition: true, Next: 'E' }] };
    expect(messages(machine({ C: choice, E: { Type: 'Succeed' } }))).toEqual([
      "/States/C/Choices/0/Variable: The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage",
    ]);
  });

  test('reports a syntax error at the expression when an expression does not parse', () => {
    expect(messages(machine({ P: { Type: 'Pass', Output: { a: ['{% 1 + %}'] }, End: true } }))).toEqual([
      "/States/P/Output/a/0: The JSONata expression '1 +' is not valid: S0207: Unexpected end of expression",
    ]);
  });

  test('rejects $eval, $ and ?? when Step Functions JSONata lacks them', () => {
    const state = { Type: 'Pass', Output: ['{% $eval("1") %}', '{% $.a %}', '{% $x ?? 1 %}'], End: true };
    expect(messages(machine({ P: state }))).toEqual([
      '/States/P/Output/0: The JSONata expression \'$eval("1")\' is not valid: SF0002: The function $eval is not available in Step Functions',
      "/States/P/Output/1: The JSONata expression '$.a' is not valid: SF0004: '$' cannot be used in Step Functions; read the state input with $states.input",
      "/States/P/Output/2: The JSONata expression '$x ?? 1' is not valid: S0211: The symbol ?? is not supported by the JSONata version Step Functions runs",
    ]);
  });

  test('rejects $states.result when a Pass reads it', () => {
    expect(messages(machine({ P: { Type: 'Pass', Output: '{% $states.result %}', End: true } }))).toEqual([
      "/States/P/Output: '$states.result' is not available here: it can be read only in the Output and Assign of Task, Parallel and Map states",
    ]);
  });

  test('rejects $states.errorOutput outside a Catch and accepts it inside one', () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: '{% $states.errorOutput %}',
      Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'E' }],
      End: true,
    };
    expect(messages(machine({ T: task, E: { Type: 'Succeed' } }))).toEqual([
      "/States/T/Arguments: '$states.errorOutput' is not available here: it can be read only in a Catch",
    ]);
  });

  test('accepts a string with blanks around the delimiters as a literal', () => {
    expect(messages(machine({ P: { Type: 'Pass', Output: { a: ' {% 1 %} ', b: [' {% 1 %} '] }, End: true } }))).toEqual(
      [],
    );
  });

  test('checks literal types when fields that take expressions hold literals', () => {
    const wait = { Type: 'Wait', Seconds: -1, End: true };
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 'soon', End: true };
    expect(messages(machine({ W: wait, T: task }))).toContain(
      "/States/W/Seconds: The field 'Seconds' must be a non-negative integer or a JSONata expression '{% ... %}'",
    );
    expect(messages(machine({ T: task }))).toEqual([
      "/States/T/TimeoutSeconds: The field 'TimeoutSeconds' must be a positive integer up to 99999999 or a JSONata expression '{% ... %}'",
    ]);
  });
});

describe('validateDefinition for workflow variables', () => {
  test('rejects reserved and dotted names when Assign sets them', () => {
    expect(messages(machine({ P: { Type: 'Pass', Assign: { states: 1, 'x.y': 2 }, End: true } }, {}))).toEqual([
      "/States/P/Assign/states: The variable name 'states' is reserved",
      "/States/P/Assign/x.y: The variable name 'x.y' is not valid: it must start with a letter or '_' and contain only letters, digits and '_'",
    ]);
  });

  test('checks the path of a JSONPath catcher Assign when it is malformed', () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'e.$': 'Error' }, Next: 'E' }],
      End: true,
    };
    expect(messages(machine({ T: task, E: { Type: 'Succeed' } }, {}))).toEqual([
      "/States/T/Catch/0/Assign/e.$: The value for the field 'e.$' must be a valid JSONPath or a valid intrinsic function call",
    ]);
  });

  test('rejects an inner scope assigning an outer name when a branch would shadow it', () => {
    const parallel = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Assign: { x: 2 }, End: true } } }],
      End: true,
    };
    expect(messages(machine({ A: { Type: 'Pass', Assign: { x: 1 }, Next: 'P' }, P: parallel }, {}))).toEqual([
      "/States/P/Branches/0/States/B/Assign/x: The variable 'x' is assigned in an enclosing scope; a Parallel branch or Map iteration cannot assign it",
    ]);
  });

  test('accepts sibling branches assigning the same name when no outer scope does', () => {
    const branch = (name: string) => ({
      StartAt: name,
      States: { [name]: { Type: 'Pass', Assign: { x: 1 }, End: true } },
    });
    expect(
      messages(machine({ P: { Type: 'Parallel', Branches: [branch('B1'), branch('B2')], End: true } }, {})),
    ).toEqual([]);
  });

  test('rejects a variable in ResultPath when a JSONPath state writes to one', () => {
    expect(messages(machine({ P: { Type: 'Pass', ResultPath: '$x', End: true } }, {}))).toEqual([
      "/States/P/ResultPath: The value for the field 'ResultPath' must be a valid ReferencePath",
    ]);
  });
});

describe('the context item in JSONata expressions', () => {
  test('accepts $ inside a filter predicate when it is the item being filtered', () => {
    const facts = inspectExpression('$count($states.result[$ = 1])');
    expect([...facts.statesFields]).toEqual(['result']);
  });

  test('accepts $ in a later path step when it is the current item', () => {
    expect([...inspectExpression('$states.input.items.($ * 2)').statesFields]).toEqual(['input']);
  });

  test('refuses $ when there is no context item', () => {
    expect(() => inspectExpression('$.items')).toThrow("'$' cannot be used in Step Functions");
  });
});
