import { randomUUID } from 'node:crypto';
import { ARN_ACCOUNT, ARN_REGION } from '../core/arn';
import type { StateDef } from '../core/interpreter/scope';
import { DomainError } from './errors';
import { isJsonObject } from '../core/validate/walk';

/** Top-level members a mocked Context object (`context`) may have. */
const CONTEXT_FIELDS = new Set(['Execution', 'State', 'StateMachine', 'Task']);

/** Members of a mocked Context object that must be strings when present. */
const STRING_MEMBERS: Record<string, string[]> = {
  Execution: ['Id', 'Name', 'RoleArn', 'StartTime'],
  StateMachine: ['Id', 'Name'],
  State: ['Name', 'EnteredTime'],
  Task: ['Token'],
};

/** Task resources whose Context object has a `Task` member: `.sync` and `.waitForTaskToken`. */
const TOKEN_PATTERN = /\.(sync(:\d+)?|waitForTaskToken)$/;

/** States whose Context object carries `State.RetryCount` (they can retry). */
const RETRYING_TYPES = new Set(['Task', 'Parallel', 'Map']);

/** Role reported in `$$.Execution.RoleArn` when the request gives none. */
export const DEFAULT_TEST_ROLE_ARN = `arn:aws:iam::${ARN_ACCOUNT}:role/stepflow-test-state`;

function invalidContext(reason: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Invalid Context object provided: ${reason}`);
}

/**
 * Checks a mocked Context object (`context`) as TestState does: an object of `Execution`,
 * `State`, `StateMachine` and (for a `.sync`/`.waitForTaskToken` Task only) `Task`; `Map` is
 * refused; string members must be strings and `State.RetryCount` a number.
 */
export function checkMockedContext(context: unknown, state: StateDef): Record<string, unknown> {
  if (!isJsonObject(context)) throw invalidContext('the Context object must be a JSON object');
  for (const [field, value] of Object.entries(context)) {
    if (field === 'Map') throw invalidContext("'Map' field is not supported when mocking a Context object");
    if (!CONTEXT_FIELDS.has(field)) throw invalidContext(`Field '${field}' is not allowed`);
    if (
      field === 'Task' &&
      !(state.Type === 'Task' && typeof state.Resource === 'string' && TOKEN_PATTERN.test(state.Resource))
    ) {
      throw invalidContext(
        "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
      );
    }
    if (!isJsonObject(value)) throw invalidContext(`${field} must be an object`);
    for (const member of STRING_MEMBERS[field] ?? []) {
      if (member in value && typeof value[member] !== 'string')
        throw invalidContext(`${field}.${member} must be a string`);
    }
    if (field === 'State' && 'RetryCount' in value && typeof value.RetryCount !== 'number')
      throw invalidContext('State.RetryCount must be a number');
  }
  return context;
}

/** The identity TestState gives the one-state run: an Express execution of a throw-away machine. */
export interface TestIdentity {
  executionName: string;
  stateMachineName: string;
  roleArn: string;
  startTime: string;
}

/** A fresh identity for one TestState call. */
export function newTestIdentity(roleArn: string | undefined, now: number): TestIdentity {
  return {
    executionName: randomUUID(),
    stateMachineName: `TestState-${randomUUID()}`,
    roleArn: roleArn ?? DEFAULT_TEST_ROLE_ARN,
    startTime: new Date(now).toISOString(),
  };
}

/**
 * The Context object (`$$`, `$states.context`) of the tested state, as TestState builds it: an
 * Express execution (`…:express:<machine>:<name>`) whose input is the state input, the state's
 * name and entry time, and `State.RetryCount` for states that can retry.
 */
export function testContext(
  identity: TestIdentity,
  name: string,
  state: StateDef,
  input: unknown,
  retryCount: number,
): Record<string, unknown> {
  const machineArn = `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:stateMachine:${identity.stateMachineName}`;
  return {
    Execution: {
      Id: `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:express:${identity.stateMachineName}:${identity.executionName}`,
      Input: input,
      Name: identity.executionName,
      RoleArn: identity.roleArn,
      StartTime: identity.startTime,
    },
    StateMachine: { Id: machineArn, Name: identity.stateMachineName },
    State: {
      Name: name,
      EnteredTime: identity.startTime,
      ...(RETRYING_TYPES.has(state.Type) ? { RetryCount: retryCount } : {}),
    },
  };
}
