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
