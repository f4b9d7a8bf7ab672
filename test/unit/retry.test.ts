import {
  canRetry,
  DEFAULT_BACKOFF_RATE,
  DEFAULT_INTERVAL_SECONDS,
  DEFAULT_MAX_ATTEMPTS,
  errorOutput,
  findCatcher,
  findRetrier,
  matchesErrorEquals,
  retryDelayMs,
} from '../../engine/core/retry';

describe('matchesErrorEquals', () => {
  test('matches when the error name is listed', () => {
    expect([
      matchesErrorEquals(['Lambda.Unknown', 'MyError'], 'MyError'),
      matchesErrorEquals(['MyError'], 'myerror'),
    ]).toEqual([true, false]);
  });
  test('matches any error except Runtime and DataLimitExceeded when States.ALL is listed', () => {
    expect(
      [
        'MyError',
        'States.Timeout',
        'States.TaskFailed',
        'States.NoChoiceMatched',
        'States.Runtime',
        'States.DataLimitExceeded',
      ].map((e) => matchesErrorEquals(['States.ALL'], e)),
    ).toEqual([true, true, true, true, false, false]);
  });
  test('matches any error except Timeout when States.TaskFailed is listed', () => {
    expect(
      ['MyError', 'States.TaskFailed', 'States.HeartbeatTimeout', 'States.Timeout', 'States.Runtime'].map((e) =>
        matchesErrorEquals(['States.TaskFailed'], e),
      ),
    ).toEqual([true, true, true, false, false]);
  });
  test('matches DataLimitExceeded only when it is named explicitly', () => {
    expect(matchesErrorEquals(['States.DataLimitExceeded'], 'States.DataLimitExceeded')).toBe(true);
  });
  test('never matches States.Runtime even when it is named explicitly', () => {
    expect(matchesErrorEquals(['States.Runtime'], 'States.Runtime')).toBe(false);
  });
});

describe('findRetrier and findCatcher', () => {
  const list = [{ ErrorEquals: ['ErrorA', 'ErrorB'] }, { ErrorEquals: ['ErrorC'] }, { ErrorEquals: ['States.ALL'] }];
  test('returns the first matching index when several match', () => {
    expect([
      findRetrier(list, 'ErrorB'),
      findRetrier(list, 'ErrorC'),
      findRetrier(list, 'Other'),
      findCatcher(list, 'ErrorA'),
    ]).toEqual([0, 1, 2, 0]);
  });
  test('returns -1 when nothing matches or there is no list', () => {
    expect([
      findRetrier([{ ErrorEquals: ['X'] }], 'Y'),
      findRetrier(undefined, 'Y'),
      findCatcher(list, 'States.Runtime'),
    ]).toEqual([-1, -1, -1]);
  });
});

describe('canRetry', () => {
  test('allows MaxAttempts retries when MaxAttempts is set or defaulted', () => {
    expect([
      canRetry({}, 2),
      canRetry({}, 3),
      canRetry({ MaxAttempts: 0 }, 0),
      canRetry({ MaxAttempts: 2 }, 1),
    ]).toEqual([true, false, false, true]);
  });
});

describe('retryDelayMs', () => {
  const never = () => {
    throw new Error('random must not be called');
  };
  test('uses the ASL defaults when the retrier sets nothing', () => {
    expect([DEFAULT_INTERVAL_SECONDS, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF_RATE]).toEqual([1, 3, 2]);
    expect([0, 1, 2].map((n) => retryDelayMs({}, n, never))).toEqual([1000, 2000, 4000]);
  });
  test('multiplies by BackoffRate per previous retry when set', () => {
    expect([0, 1, 2].map((n) => retryDelayMs({ IntervalSeconds: 3, BackoffRate: 1.5 }, n, never))).toEqual([
      3000, 4500, 6750,
    ]);
    expect([0, 5].map((n) => retryDelayMs({ IntervalSeconds: 2, BackoffRate: 1 }, n, never))).toEqual([2000, 2000]);
  });
  test('caps the delay when MaxDelaySeconds is set', () => {
    expect(
      [0, 3, 10].map((n) => retryDelayMs({ IntervalSeconds: 1, BackoffRate: 2, MaxDelaySeconds: 5 }, n, never)),
    ).toEqual([1000, 5000, 5000]);
  });
  test('scales the capped delay by random when JitterStrategy is FULL', () => {
    expect(
      retryDelayMs({ IntervalSeconds: 1, BackoffRate: 2, MaxDelaySeconds: 5, JitterStrategy: 'FULL' }, 3, () => 0.25),
    ).toBe(1250);
    expect(retryDelayMs({ JitterStrategy: 'FULL' }, 0, () => 0)).toBe(0);
    expect(retryDelayMs({ JitterStrategy: 'NONE' }, 1, never)).toBe(2000);
  });
});

describe('errorOutput', () => {
  test('builds the Catch error output when given an error and a cause', () => {
    expect(errorOutput('States.TaskFailed', 'The task failed.')).toEqual({
      Error: 'States.TaskFailed',
      Cause: 'The task failed.',
    });
  });
});
