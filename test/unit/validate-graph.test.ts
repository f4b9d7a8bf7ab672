import { validateDefinition } from '../../engine/core/validate';

const pass = { Type: 'Pass', End: true };

describe('validateDefinition state graph', () => {
  test('reports MISSING_TRANSITION_TARGET at the field when Next names no state', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Ghost' }, Z: pass } })).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/A/Next', message: "Missing 'Next' target: Ghost" },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/Z', message: 'State "Z" is not reachable.' },
    ]);
  });

  test('reports a dangling StartAt and every state as unreachable when StartAt names no state', () => {
    expect(validateDefinition({ StartAt: 'Nope', States: { A: pass } })).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', path: '/StartAt', message: "Missing 'Next' target: Nope" },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/A', message: 'State "A" is not reachable.' },
    ]);
  });

  test('reports dangling Choice rule Next, Default and Catch Next when they name no state', () => {
    const problems = validateDefinition({
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.x', IsPresent: true, Next: 'T' },
            { Variable: '$.y', IsNull: true, Next: 'Ghost1' },
          ],
          Default: 'Ghost2',
        },
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ghost3' }],
          End: true,
        },
      },
    });
    expect(problems).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/C/Choices/1/Next', message: "Missing 'Next' target: Ghost1" },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/C/Default', message: "Missing 'Next' target: Ghost2" },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/T/Catch/0/Next', message: "Missing 'Next' target: Ghost3" },
    ]);
  });

  test('counts Catch, Choice and Default as transitions when deciding reachability', () => {
    expect(
      validateDefinition({
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'T' }], Default: 'D' },
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
            End: true,
          },
          Recover: pass,
          D: pass,
        },
      }),
    ).toEqual([]);
  });

  test('reports MISSING_END_STATE alone when the top-level machine has no terminal state', () => {
    expect(
      validateDefinition({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, Unused: { Type: 'Pass', Next: 'A' } },
      }),
    ).toEqual([{ code: 'MISSING_END_STATE', path: '', message: 'Workflow has no terminal state' }]);
  });

  test('reports the unreachable terminal state when a loop has one nothing routes to', () => {
    expect(
      validateDefinition({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: pass },
      }),
    ).toEqual([{ code: 'MISSING_TRANSITION_TARGET', path: '/States/C', message: 'State "C" is not reachable.' }]);
  });

  test('reports the dangling target before MISSING_END_STATE when both apply', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'NOPE' } } })).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/A/Next', message: "Missing 'Next' target: NOPE" },
      { code: 'MISSING_END_STATE', path: '', message: 'Workflow has no terminal state' },
    ]);
  });

  test('treats branches and processors as closed scopes when Next points outside them', () => {
    const problems = validateDefinition({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B1', States: { B1: { Type: 'Pass', Next: 'After' } } }],
          Next: 'M',
        },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'Nope', States: { I1: pass } }, Next: 'After' },
        After: pass,
      },
    });
    expect(problems).toEqual([
      {
        code: 'MISSING_TRANSITION_TARGET',
        path: '/States/P/Branches/0/States/B1/Next',
        message: "Missing 'Next' target: After",
      },
      {
        code: 'MISSING_TRANSITION_TARGET',
        path: '/States/M/ItemProcessor/StartAt',
        message: "Missing 'Next' target: Nope",
      },
      {
        code: 'MISSING_TRANSITION_TARGET',
        path: '/States/M/ItemProcessor/States/I1',
        message: 'State "I1" is not reachable.',
      },
    ]);
  });

  test('reports unreachable states inside a branch when nothing in the branch routes to them', () => {
    expect(
      validateDefinition({
        StartAt: 'P',
        States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: pass, Ghost: pass } }], End: true } },
      }),
    ).toEqual([
      {
        code: 'MISSING_TRANSITION_TARGET',
        path: '/States/P/Branches/0/States/Ghost',
        message: 'State "Ghost" is not reachable.',
      },
    ]);
  });

  test('reports DUPLICATE_STATE_NAME when a nested state reuses a top-level name', () => {
    expect(
      validateDefinition({
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            Iterator: { StartAt: 'Final', States: { Final: { Type: 'Wait', Seconds: 20, End: true } } },
            Next: 'Final',
          },
          Final: pass,
        },
      }),
    ).toEqual([
      { code: 'DUPLICATE_STATE_NAME', path: '/States/M/Iterator/States/Final', message: 'Duplicate State name: Final' },
    ]);
  });

  test('reports state names longer than 80 characters', () => {
    const name = 'x'.repeat(81);
    expect(validateDefinition({ StartAt: name, States: { [name]: pass } })).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: `/States/${name}`,
        message: `State name '${name}' must be between 1 and 80 characters long`,
      },
    ]);
  });

  test('reads only own fields when state names collide with Object.prototype members', () => {
    expect(
      validateDefinition({
        StartAt: 'constructor',
        States: { constructor: pass, toString: { Type: 'Task', End: true } },
      }),
    ).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', path: '/States/toString', message: 'These fields are required: [Resource]' },
      { code: 'MISSING_TRANSITION_TARGET', path: '/States/toString', message: 'State "toString" is not reachable.' },
    ]);
  });

  test('accepts a state name of exactly 80 characters', () => {
    const name = 'y'.repeat(80);
    expect(validateDefinition({ StartAt: name, States: { [name]: pass } })).toEqual([]);
  });
});
