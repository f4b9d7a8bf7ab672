import fc from 'fast-check';
import { PutAliasRequestSchema } from '../../schemas/api/state-machines';
import { StopExecutionRequestSchema } from '../../schemas/api/executions';
import { RetrierSchema } from '../../schemas/asl';
import { validateDefinition } from '../../engine/core/validate';
import { definitionArb } from '../../fuzz/definitions';
import { deepJsonText, deepValue, hugeString, jsonText, materialize, showValue } from '../../fuzz/hostile';
import { arbitraryOf } from '../../fuzz/zod-arbitrary';

describe('arbitraryOf', () => {
  test.each([
    ['PutAliasRequestSchema', PutAliasRequestSchema],
    ['StopExecutionRequestSchema', StopExecutionRequestSchema],
    ['RetrierSchema', RetrierSchema],
  ])('generates values %s accepts when no member is overridden', (_name, schema) => {
    fc.assert(
      fc.property(arbitraryOf(schema), (value) => schema.safeParse(value).success),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('hostile placeholders', () => {
  test('writes a deep placeholder out as nested JSON text when serialised', () => {
    expect(jsonText({ a: deepValue(3, 'array') })).toBe('{"a":[[[1]]]}');
    expect(deepJsonText(2, 'object')).toBe('{"a":{"a":1}}');
  });

  test('builds deep and huge values without recursion when materialised', () => {
    const value = materialize({ d: deepValue(50_000, 'object'), s: hugeString(5, 'multibyte') }) as {
      d: unknown;
      s: string;
    };
    let depth = 0;
    for (let at = value.d; typeof at === 'object' && at !== null; at = (at as { a: unknown }).a) depth++;
    expect(depth).toBe(50_000);
    expect(value.s).toBe('ééééé');
  });

  test('shows placeholders by size when a case is printed', () => {
    expect(showValue({ d: deepValue(20_000, 'array'), s: hugeString(300_000) })).toBe(
      `{"d":"<20000 nested arrays>","s":"<300000 × 'a'>"}`,
    );
  });
});

describe('definitionArb', () => {
  test('generates tame definitions of which at least a third pass the validator', () => {
    const definitions = fc.sample(definitionArb({ tame: true }), { seed: 11, numRuns: 150 });
    const accepted = definitions.filter((definition) => validateDefinition(definition).length === 0).length;
    // Tame definitions exist to reach the interpreter and real executions: most must be valid.
    expect(accepted).toBeGreaterThanOrEqual(50);
  });
});
