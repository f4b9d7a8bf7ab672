import { z } from 'zod';
import {
  activityNameOf,
  machineNotFound,
  parseStateMachineArn,
  resourceNotFound,
  taggableOf,
} from '../../engine/api/sfn/arn';
import { SfnError, toSfnError } from '../../engine/api/sfn/errors';
import { parseRequest } from '../../engine/api/sfn/request';
import { decodeCursor, encodeCursor } from '../../engine/service/cursor';
import { chooseRoute } from '../../engine/service/aliases';

const PREFIX = 'arn:aws:states:us-east-1:000000000000';

/** The SfnError `work` throws. */
function thrown(work: () => unknown): SfnError {
  try {
    work();
  } catch (err) {
    if (err instanceof SfnError) return err;
    throw err;
  }
  throw new Error('expected an SfnError');
}

/** What the protocol answers for the error `work` throws. */
function answered(work: () => unknown): SfnError | undefined {
  try {
    work();
  } catch (err) {
    return toSfnError(err);
  }
  throw new Error('expected an error');
}

describe('parseStateMachineArn', () => {
  test('reads a machine, a version and an alias ARN when the kind is accepted', () => {
    const all = ['machine', 'version', 'alias'] as const;
    expect(parseStateMachineArn(`${PREFIX}:stateMachine:a.b`, [...all], machineNotFound)).toEqual({
      arn: `${PREFIX}:stateMachine:a.b`,
      name: 'a.b',
    });
    expect(parseStateMachineArn(`${PREFIX}:stateMachine:m:12`, [...all], machineNotFound)).toEqual({
      arn: `${PREFIX}:stateMachine:m:12`,
      name: 'm',
      version: 12,
    });
    expect(parseStateMachineArn(`${PREFIX}:stateMachine:m:prod-1`, [...all], machineNotFound)).toEqual({
      arn: `${PREFIX}:stateMachine:m:prod-1`,
      name: 'm',
      alias: 'prod-1',
    });
  });

  test('answers InvalidArn worded as AWS words it when the ARN is malformed or of a kind not accepted', () => {
    expect(thrown(() => parseStateMachineArn('invalid_arn', ['machine'], machineNotFound))).toMatchObject({
      type: 'InvalidArn',
      message: "Invalid Arn: 'Invalid ARN prefix: invalid_arn'",
    });
    expect(
      thrown(() => parseStateMachineArn(`${PREFIX}:stateMachine:m:1`, ['machine'], machineNotFound)),
    ).toMatchObject({
      type: 'InvalidArn',
      message: `Invalid Arn: 'Resource type not valid in this context: ${PREFIX}:stateMachine:m:1'`,
    });
  });

  test("answers the action's not-found error when the ARN belongs to another account", () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
    expect(thrown(() => parseStateMachineArn(arn, ['machine'], machineNotFound))).toMatchObject({
      type: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${arn}'`,
    });
  });
});

describe('taggable and activity ARNs', () => {
  test('tells state machines and activities from versions and aliases when tagging', () => {
    expect(taggableOf(`${PREFIX}:stateMachine:m`)).toEqual({ type: 'stateMachine', name: 'm' });
    expect(taggableOf(`${PREFIX}:activity:a.b`)).toEqual({ type: 'activity', name: 'a.b' });
    expect(taggableOf(`${PREFIX}:stateMachine:m:3`)).toEqual({ type: 'other' });
    expect(activityNameOf(`${PREFIX}:activity:worker`, resourceNotFound)).toBe('worker');
  });
});

describe('parseRequest', () => {
  const schema = z.object({
    arn: z.string(),
    maxResults: z.number().int().min(0).max(1000).optional(),
    items: z
      .array(z.object({ weight: z.number().max(100) }))
      .max(2)
      .optional(),
  });

  test('words a missing member and a value out of range as AWS does', () => {
    expect(thrown(() => parseRequest(schema, {})).message).toBe(
      "1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null",
    );
    expect(thrown(() => parseRequest(schema, { arn: 'a', maxResults: 1001 })).message).toBe(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  test('names list members 1-based with .member when an item is invalid', () => {
    expect(thrown(() => parseRequest(schema, { arn: 'a', items: [{ weight: 1 }, { weight: 101 }] })).message).toBe(
      "1 validation error detected: Value '101' at 'items.2.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });
});

describe('pagination tokens', () => {
  test('round-trip a value and refuse a token of another shape with InvalidToken', () => {
    expect(decodeCursor(encodeCursor(7), z.number())).toBe(7);
    expect(decodeCursor(undefined, z.number())).toBeUndefined();
    expect(answered(() => decodeCursor('InvalidToken', z.number()))).toMatchObject({
      type: 'InvalidToken',
      message: "Invalid Token: 'Invalid token'",
    });
    expect(answered(() => decodeCursor(encodeCursor('x'), z.number()))).toMatchObject({ type: 'InvalidToken' });
  });
});

describe('chooseRoute', () => {
  const routes = [
    { versionNumber: 1, weight: 30 },
    { versionNumber: 2, weight: 70 },
  ];

  test('picks each version by its weight when the random draw falls in its share', () => {
    expect(chooseRoute(routes, 0)).toBe(1);
    expect(chooseRoute(routes, 0.2999)).toBe(1);
    expect(chooseRoute(routes, 0.3)).toBe(2);
    expect(chooseRoute(routes, 0.9999)).toBe(2);
  });

  test('never picks a version of weight 0 when another has 100', () => {
    expect(
      chooseRoute(
        [
          { versionNumber: 1, weight: 0 },
          { versionNumber: 2, weight: 100 },
        ],
        0,
      ),
    ).toBe(2);
    expect(
      chooseRoute(
        [
          { versionNumber: 1, weight: 100 },
          { versionNumber: 2, weight: 0 },
        ],
        0.9999,
      ),
    ).toBe(1);
  });
});
