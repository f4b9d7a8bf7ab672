import { validateDefinition } from '../../engine/core/validate';

const machine = (extra: Record<string, unknown>) => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', End: true } },
  ...extra,
});

describe('MaxHistoryEvents (Stepflow extension)', () => {
  test('is accepted at the top level when it is a non-negative integer', () => {
    expect(validateDefinition(machine({ MaxHistoryEvents: 5000 }))).toEqual([]);
    expect(validateDefinition(machine({ MaxHistoryEvents: 0 }))).toEqual([]);
  });

  test('is refused when it is negative or not an integer', () => {
    for (const value of [-1, 2.5, '100']) {
      const problems = validateDefinition(machine({ MaxHistoryEvents: value }));
      expect(problems.map((p) => p.path)).toEqual(['/MaxHistoryEvents']);
    }
    expect(validateDefinition(machine({ MaxHistoryEvents: -1 }))[0]?.message).toBe(
      "The field 'MaxHistoryEvents' must be a non-negative integer",
    );
  });

  test('is refused inside a state, where it means nothing', () => {
    const problems = validateDefinition({
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true, MaxHistoryEvents: 10 } },
    });
    expect(problems.length).toBeGreaterThan(0);
  });
});
