/** Machines the scale tests share. */
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Counts `$.n` up to `limit` with a Task per iteration (JSONata), summing in a variable. */
export function taskLoop(limit: number) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { runs: 0 }, Output: { n: 0 }, Next: 'Inc' },
      Inc: {
        Type: 'Task',
        Resource: fn('add'),
        Arguments: { a: '{% $states.input.n %}', b: 1 },
        Output: { n: '{% $states.result.sum %}' },
        Assign: { runs: '{% $runs + 1 %}' },
        Next: 'Check',
      },
      Check: {
        Type: 'Choice',
        Choices: [{ Condition: `{% $states.input.n >= ${limit} %}`, Next: 'Done' }],
        Default: 'Inc',
      },
      Done: { Type: 'Pass', Output: '{% { "n": $states.input.n, "runs": $runs } %}', End: true },
    },
  };
}

/**
 * The Stepflow history of a completed `taskLoop(limit)`: ExecutionStarted, Init (2),
 * limit × (Task: 5, Choice: 2), Done (2), ExecutionSucceeded; ids from 1 without gap, nothing
 * recorded twice, and every event after the first chained to the one before it (no hand-over
 * between Temporal runs left a seam).
 */
export function expectTaskLoopHistory(
  events: Array<{ id: number; type: string; previousEventId?: number }>,
  limit: number,
): void {
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(events).toHaveLength(1 + 2 + limit * 7 + 2 + 1);
  expect(events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(limit);
  expect(events.slice(2).every((e, i) => e.previousEventId === events[i + 1].id)).toBe(true);
  expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
}
