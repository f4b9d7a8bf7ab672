import { StatesError } from '../../engine/core/errors';
import { applyPayloadTemplate, describeMissingParameterPath } from '../../engine/core/payload-template';

const ENV = { random: () => 0 };
const CONTEXT = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1' },
  Map: { Item: { Index: 2, Value: 'x' } },
};

function failure(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatesError);
    return [(err as StatesError).error, (err as StatesError).cause];
  }
  throw new Error('expected a throw');
}

describe('applyPayloadTemplate', () => {
  test('selects values and drops the suffix when keys end in .$', () => {
    const template = { flagged: true, parts: { 'first.$': '$.vals[0]', 'last3.$': '$.vals[3:]' } };
    expect(applyPayloadTemplate(template, { flagged: 7, vals: [0, 10, 20, 30, 40, 50] }, CONTEXT, ENV)).toEqual({
      flagged: true,
      parts: { first: 0, last3: [30, 40, 50] },
    });
  });
  test('reads the context object when the path starts with $$', () => {
    expect(
      applyPayloadTemplate(
        { 'id.$': '$$.Execution.Id', 'index.$': '$$.Map.Item.Index', 'ctx.$': '$$.Map' },
        {},
        CONTEXT,
        ENV,
      ),
    ).toEqual({
      id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
      index: 2,
      ctx: { Item: { Index: 2, Value: 'x' } },
    });
  });
  test('copies the whole input when the path is $', () => {
    expect(applyPayloadTemplate({ 'all.$': '$' }, { a: [1] }, CONTEXT, ENV)).toEqual({ all: { a: [1] } });
  });
  test('evaluates intrinsic functions when the value is a States call', () => {
    expect(
      applyPayloadTemplate(
        { 'greeting.$': "States.Format('Hello {}', $.name)", 'id.$': 'States.UUID()' },
        { name: 'Ana' },
        CONTEXT,
        ENV,
      ),
    ).toEqual({
      greeting: 'Hello Ana',
      id: '00000000-0000-4000-8000-000000000000',
    });
  });
  test('copies values verbatim when keys have no .$ suffix, even if they look like paths', () => {
    const template = { path: '$.a', fn: "States.Format('{}', $.a)", n: 1, b: false, nil: null, list: ['$.a', 2] };
    expect(applyPayloadTemplate(template, { a: 1 }, CONTEXT, ENV)).toEqual(template);
  });
  test('processes objects inside arrays when arrays contain templates', () => {
    const template = {
      Overrides: { ContainerOverrides: [{ Name: 'app', Environment: [{ Name: 'ID', 'Value.$': '$.systemId' }] }] },
    };
    expect(applyPayloadTemplate(template, { systemId: 's-1' }, CONTEXT, ENV)).toEqual({
      Overrides: { ContainerOverrides: [{ Name: 'app', Environment: [{ Name: 'ID', Value: 's-1' }] }] },
    });
  });
  test('reads workflow variables when the path starts with $name', () => {
    expect(
      applyPayloadTemplate({ 'v.$': '$count', 'w.$': "States.Format('{}!', $count)" }, {}, CONTEXT, ENV, { count: 3 }),
    ).toEqual({ v: 3, w: '3!' });
  });
  test('returns a copy that does not share objects with the template when values are literal', () => {
    const template = { nested: { a: 1 } };
    const out = applyPayloadTemplate(template, {}, CONTEXT, ENV) as { nested: { a: number } };
    out.nested.a = 2;
    expect(template).toEqual({ nested: { a: 1 } });
  });
  test('fails with States.Runtime and AWS cause when a path selects nothing', () => {
    expect(
      failure(() => applyPayloadTemplate({ 'value.$': '$.no_such_jsonpath' }, { 'int-literal': 0 }, CONTEXT, ENV)),
    ).toEqual([
      'States.Runtime',
      `The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'`,
    ]);
  });
  test('names the nested field when a path inside an intrinsic selects nothing', () => {
    expect(
      failure(() =>
        applyPayloadTemplate(
          { outer: { 'x.$': "States.Format('{}', $.application.address)" } },
          { flagged: false },
          CONTEXT,
          ENV,
        ),
      ),
    ).toEqual([
      'States.Runtime',
      `The JSONPath '$.application.address' specified for the field 'x.$' could not be found in the input '{"flagged":false}'`,
    ]);
  });
  test('passes States.IntrinsicFailure through when an intrinsic fails', () => {
    expect(
      failure(() => applyPayloadTemplate({ 'x.$': 'States.ArrayGetItem($.a, 5)' }, { a: [] }, CONTEXT, ENV))[0],
    ).toBe('States.IntrinsicFailure');
  });
  test('fails with States.Runtime when a .$ value is not a string', () => {
    expect(failure(() => applyPayloadTemplate({ 'x.$': 3 }, {}, CONTEXT, ENV))).toEqual([
      'States.Runtime',
      "The value for the field 'x.$' must be a STRING that contains a JSONPath or an intrinsic function, but was 3",
    ]);
  });
});

describe('applyPayloadTemplate with malformed expressions', () => {
  test('fails with States.Runtime when a .$ value is neither a path nor a valid intrinsic', () => {
    expect(failure(() => applyPayloadTemplate({ 'x.$': 'States.Nope(1)' }, {}, CONTEXT, ENV))).toEqual([
      'States.Runtime',
      "The value for the field 'x.$' is not a valid JSONPath or intrinsic function: unknown intrinsic function 'States.Nope' at position 0 in 'States.Nope(1)'",
    ]);
    expect(failure(() => applyPayloadTemplate({ 'x.$': 'name' }, {}, CONTEXT, ENV))).toEqual([
      'States.Runtime',
      "The value for the field 'x.$' is not a valid JSONPath or intrinsic function: expected '$' at position 0 in path 'name'",
    ]);
  });
});

describe('describeMissingParameterPath', () => {
  test('embeds the compact input JSON when describing a miss', () => {
    expect(describeMissingParameterPath('$.a', 'a.$', { b: [1, 2] })).toBe(
      `The JSONPath '$.a' specified for the field 'a.$' could not be found in the input '{"b":[1,2]}'`,
    );
  });
});
