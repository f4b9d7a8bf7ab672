import { variableReferences } from '../../engine/service/variable-references';

describe('variableReferences', () => {
  test('lists the variables a JSONPath state reads through paths and templates, sorted', () => {
    expect(
      variableReferences({
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Parameters: { literal: '$notAPath' }, Assign: { a: 1, b: 2 }, Next: 'Read' },
          Read: { Type: 'Pass', InputPath: '$b', Parameters: { 'x.$': '$a.field', 'y.$': '$.plain' }, Next: 'Stop' },
          Stop: { Type: 'Fail', ErrorPath: '$err', CausePath: '$cause' },
        },
      }),
    ).toEqual({ Read: ['a', 'b'], Stop: ['cause', 'err'] });
  });

  test('reads intrinsic arguments outside quoted strings, Choice rules and Map paths, nested states by name', () => {
    expect(
      variableReferences({
        StartAt: 'Pick',
        States: {
          Pick: {
            Type: 'Choice',
            Choices: [
              {
                And: [
                  { Variable: '$flag', BooleanEquals: true },
                  { Variable: '$.x', StringEqualsPath: '$other' },
                ],
                Next: 'Each',
              },
            ],
            Default: 'Each',
          },
          Each: {
            Type: 'Map',
            ItemsPath: '$list',
            MaxConcurrencyPath: '$limit',
            ItemSelector: { 'text.$': "States.Format('{} $quoted', $greeting, $$.Map.Item.Value, $.local)" },
            ItemProcessor: {
              StartAt: 'Inner',
              States: { Inner: { Type: 'Pass', Parameters: { 'q.$': '$question' }, End: true } },
            },
            End: true,
          },
        },
      }),
    ).toEqual({ Pick: ['flag', 'other'], Each: ['greeting', 'limit', 'list'], Inner: ['question'] });
  });

  test('reads JSONata variables but not $states, function calls or names the expression binds', () => {
    expect(
      variableReferences({
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: {
            Type: 'Pass',
            Output: '{% ($n := $count + 1; $map($items, function($v) { $v * $n * $factor })) %}',
            Next: 'B',
          },
          B: { Type: 'Choice', Choices: [{ Condition: '{% $not($states.input.done) %}', Next: 'A' }], Default: 'C' },
          C: { Type: 'Succeed' },
        },
      }),
    ).toEqual({ A: ['count', 'factor', 'items'] });
  });

  test('is undefined when no state reads a variable', () => {
    expect(
      variableReferences({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Parameters: { 'x.$': '$.input' }, Assign: { r: 'v' }, End: true } },
      }),
    ).toBeUndefined();
  });
});
