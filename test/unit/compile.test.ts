import { compilePlan } from '../../engine/core/compile';
import { parseDefinition } from '../../engine/core/validate';
import { PlanSchema } from '../../schemas/plan';
import type { StateMachineDefinition } from '../../schemas/asl';

/** A definition that passed validation, typed. */
function valid(input: unknown): StateMachineDefinition {
  const { definition, problems } = parseDefinition(input);
  if (!definition) throw new Error(JSON.stringify(problems));
  return definition;
}

describe('compilePlan', () => {
  test('resolves QueryLanguage to JSONPath on the machine and every state when none is set', () => {
    const definition = valid({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], Next: 'M' },
        M: {
          Type: 'Map',
          QueryLanguage: 'JSONPath',
          Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    });
    expect(compilePlan(definition)).toEqual({
      planVersion: 1,
      definition: {
        QueryLanguage: 'JSONPath',
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            QueryLanguage: 'JSONPath',
            Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed', QueryLanguage: 'JSONPath' } } }],
            Next: 'M',
          },
          M: {
            Type: 'Map',
            QueryLanguage: 'JSONPath',
            Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } },
            End: true,
          },
        },
      },
    });
  });

  test('leaves the input definition unchanged when compiling', () => {
    const definition = valid({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
    compilePlan(definition);
    expect(definition).toEqual({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
  });

  test('produces a plan the Plan schema accepts when the definition has an ItemProcessor', () => {
    const definition = valid({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'I',
            States: { I: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const plan = compilePlan(definition);
    expect(PlanSchema.parse(plan)).toEqual(plan);
    expect(plan.definition.States.M).toEqual({
      Type: 'Map',
      QueryLanguage: 'JSONPath',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'I',
        States: { I: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
      },
      End: true,
    });
  });

  test('keeps a state written in JSONata when the machine is JSONPath', () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Succeed', QueryLanguage: 'JSONata' } },
    } as StateMachineDefinition;
    expect(compilePlan(definition).definition.States).toEqual({ A: { Type: 'Succeed', QueryLanguage: 'JSONata' } });
  });
});
