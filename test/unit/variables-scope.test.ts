import {
  assignedVariablesDetails,
  checkAssignSize,
  commitAssignment,
  evaluateJsonataAssign,
  evaluateJsonPathAssign,
  MAX_VARIABLE_BYTES,
  variableNameProblem,
  VariableScope,
} from '../../engine/core/variables';

const host = { now: () => 0, random: () => 0.5 };

describe('VariableScope', () => {
  test('reads outer variables when a nested scope looks them up', () => {
    const outer = new VariableScope();
    outer.assign({ x: 1 }, { x: '1' });
    const inner = outer.child();
    inner.assign({ y: 2 }, { y: '2' });
    expect([inner.get('x'), inner.get('y'), outer.get('y')]).toEqual([1, 2, undefined]);
    expect(inner.visible()).toEqual({ x: 1, y: 2 });
  });

  test('keeps siblings apart when two nested scopes assign the same name', () => {
    const outer = new VariableScope();
    const a = outer.child();
    const b = outer.child();
    a.assign({ v: 'a' }, { v: '"a"' });
    b.assign({ v: 'b' }, { v: '"b"' });
    expect([a.get('v'), b.get('v'), outer.get('v')]).toEqual(['a', 'b', undefined]);
  });

  test('keeps fresh scopes empty when another scope assigns after a release', () => {
    const first = new VariableScope();
    const second = new VariableScope();
    first.release();
    first.assign({ a: 1 }, { a: '1' });
    const third = new VariableScope();
    expect([first.ownVariables(), second.ownVariables(), third.ownVariables()]).toEqual([{ a: 1 }, {}, {}]);
    expect([second.get('a'), third.visible()]).toEqual([undefined, {}]);
    first.release();
    expect([first.ownVariables(), first.get('a')]).toEqual([{}, undefined]);
  });

  test('fails with States.DataLimitExceeded when the execution stores more than 10 MiB', () => {
    const scope = new VariableScope();
    const big = 'x'.repeat(200 * 1024);
    expect(() => {
      for (let i = 0; i < 60; i++) scope.assign({ [`v${i}`]: big }, { [`v${i}`]: JSON.stringify(big) });
    }).toThrow('States.DataLimitExceeded');
  });

  test('frees the execution budget when a branch scope is released', () => {
    const outer = new VariableScope();
    const big = 'x'.repeat(200 * 1024);
    for (let round = 0; round < 80; round++) {
      const branch = outer.child();
      branch.assign({ v: big }, { v: JSON.stringify(big) });
      branch.release();
    }
    expect(outer.visible()).toEqual({});
  });
});

describe('Assign evaluation', () => {
  test('strips .$ and reads paths, context and variables when a JSONPath Assign runs', () => {
    const assigned = evaluateJsonPathAssign(
      { 'a.$': '$.in', 'c.$': '$$.State.Name', 'v.$': '$old', lit: '$.not.a.path' },
      { in: 1 },
      { State: { Name: 'S' } },
      { old: 'o' },
      { random: () => 0 },
    );
    expect(assigned).toEqual({
      values: { a: 1, c: 'S', v: 'o', lit: '$.not.a.path' },
      serialised: { a: '1', c: '"S"', v: '"o"', lit: '"$.not.a.path"' },
    });
  });

  test('reads the entry values when a JSONata Assign swaps two variables', async () => {
    const assigned = await evaluateJsonataAssign(
      { x: '{% $y %}', y: '{% $x %}' },
      { states: { input: {}, context: {} }, variables: { x: 1, y: 2 }, host },
    );
    expect(assigned.values).toEqual({ x: 2, y: 1 });
  });

  test('names Assign/<name> in the cause when a JSONata Assign value returns nothing', async () => {
    await expect(
      evaluateJsonataAssign({ x: '{% $nope %}' }, { states: { input: {}, context: {} }, variables: {}, host }),
    ).rejects.toMatchObject({ location: 'Assign/x', error: 'States.QueryEvaluationError' });
  });

  test('commits the values and lists them as JSON text when a state exits', () => {
    const scope = new VariableScope();
    const assigned = evaluateJsonPathAssign({ n: null, o: { a: [1] } }, {}, {}, {}, { random: () => 0 });
    commitAssignment(scope, 'S', assigned);
    expect(scope.visible()).toEqual({ n: null, o: { a: [1] } });
    expect(assignedVariablesDetails(assigned)).toEqual({
      assignedVariables: { n: 'null', o: '{"a":[1]}' },
      assignedVariablesDetails: { truncated: false },
    });
  });

  test('records nothing when a state assigned nothing', () => {
    expect(assignedVariablesDetails(undefined)).toEqual({});
  });

  test('fails with States.DataLimitExceeded when one variable is over 256 KiB', () => {
    expect(() => checkAssignSize('S', { big: 'x'.repeat(MAX_VARIABLE_BYTES + 1) })).toThrow(
      "The variable 'big' assigned by the state 'S' has a size exceeding the maximum number of bytes service limit.",
    );
  });

  test('fails with States.DataLimitExceeded when one Assign totals over 256 KiB', () => {
    const half = 'x'.repeat(150 * 1024);
    expect(() => checkAssignSize('S', { a: half, b: half })).toThrow('have a total size exceeding');
  });
});

describe('variableNameProblem', () => {
  test('accepts identifiers when they use letters, digits, underscores and Unicode letters', () => {
    expect(['x', '_x1', 'var_constant_1', 'café'].map(variableNameProblem)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('rejects reserved, dotted, dashed and long names when they cannot be $name', () => {
    expect(['states', 'x.y', 'a-b', '1x', 'x'.repeat(81)].map((n) => variableNameProblem(n) !== undefined)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
