import fc from 'fast-check';
import type { Target } from './campaign';
import { signatureOf } from './campaign';
import type { DefinitionCase } from './definition-check';
import { definitionArb, inputArb, poisonedDefinitionArb } from './definitions';
import { showValue } from './hostile';
import { type DefinitionPool } from './thread-pool';

/**
 * Definitions through the validator and, when accepted, the in-memory interpreter with a
 * generated input. Half the definitions are wild (any field, any value, loops, poison, hostile
 * mutations), half tame (mostly valid, so the interpreter sees many), and one in a hundred starts
 * with a known poison state.
 */
export function definitionsTarget(pool: DefinitionPool): Target<DefinitionCase> {
  const wild = { tame: false };
  const arbitrary = fc.oneof(
    { arbitrary: fc.record({ definition: definitionArb(wild), input: inputArb(wild) }), weight: 50 },
    { arbitrary: fc.record({ definition: definitionArb({ tame: true }), input: inputArb(wild) }), weight: 50 },
    // Known poison (catastrophic regex, huge ranges, deep StringToJson) ahead of a tame machine.
    { arbitrary: fc.record({ definition: poisonedDefinitionArb(), input: inputArb(wild) }), weight: 1 },
  );
  return {
    name: 'definitions',
    arbitrary,
    concurrency: 2,
    shrink: true,
    show: (testCase) => `definition: ${showValue(testCase.definition)}  input: ${showValue(testCase.input)}`,
    async run(testCase) {
      const verdict = await pool.check(testCase);
      if (!verdict.failure) return { tags: verdict.tags };
      return {
        tags: verdict.tags,
        failure: {
          signature: signatureOf(verdict.failure.kind, verdict.failure.detail),
          detail: verdict.failure.detail,
          stack: verdict.failure.stack,
        },
      };
    },
  };
}
