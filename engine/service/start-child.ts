import type { Pool } from 'pg';
import type { Plan } from '../../schemas/plan';
import type { ExecutionWorkflowInput } from '../../workflows/messages';
import { executionArn, executionArnOfId, executionId as toExecutionId, stateMachineArn } from '../core/arn';
import { StatesError } from '../core/errors';
import type { ChildExecutionDescription, ChildExecutionRequest } from '../core/interpreter/nested';
import { findExecution, insertExecution, markWorkflowStarted, type ExecutionRow } from '../db/executions-repo';
import { findVersion } from '../db/state-machines-repo';
import { DomainError } from './errors';
import { checkInputSize, resolveTarget, sameStart, workflowInput } from './start';

/** The errors StartExecution raises, as the Step Functions service integration names them. */
export const StartChildErrors = {
  StateMachineDoesNotExist: 'StepFunctions.StateMachineDoesNotExistException',
  ExecutionAlreadyExists: 'StepFunctions.ExecutionAlreadyExistsException',
  InvalidExecutionInput: 'StepFunctions.InvalidExecutionInputException',
} as const;

/** What a stored child execution needs to run: the workflow's input, and its description. */
export interface StoredChildExecution {
  workflowInput: ExecutionWorkflowInput;
  description: ChildExecutionDescription;
}

/**
 * The nested-execution path's shape of a use case's refusal: the `StepFunctions.*Exception`
 * error a `startExecution` Task fails with (the one place this mapping lives).
 */
export function toChildError(err: unknown, request: ChildExecutionRequest): unknown {
  if (!(err instanceof DomainError)) return err;
  const machine = stateMachineArn(request.stateMachine);
  switch (err.code) {
    case 'STATE_MACHINE_NOT_FOUND': {
      const what =
        request.alias !== undefined
          ? `${machine}:${request.alias}`
          : request.version !== undefined
            ? `${machine}:${request.version}`
            : machine;
      return new StatesError(StartChildErrors.StateMachineDoesNotExist, `State Machine Does Not Exist: '${what}'`);
    }
    case 'EXECUTION_ALREADY_EXISTS':
      return new StatesError(StartChildErrors.ExecutionAlreadyExists, err.message);
    case 'INVALID_EXECUTION_INPUT':
      return new StatesError(StartChildErrors.InvalidExecutionInput, err.message);
    default:
      return err;
  }
}

/** A stored execution as the `startExecution` integration describes it (dates epoch ms). */
export function describeChild(row: ExecutionRow): ChildExecutionDescription {
  return {
    executionArn: executionArnOfId(row.executionId),
    stateMachineArn: stateMachineArn(row.stateMachine),
    name: row.name,
    status: row.status,
    startDate: row.startDate.getTime(),
    ...(row.stopDate ? { stopDate: row.stopDate.getTime() } : {}),
    input: row.input,
    ...(row.status === 'SUCCEEDED' ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
  };
}

/**
 * Stores the execution a `startExecution` Task starts (the same rules as StartExecution: the
 * machine must exist, 256 KiB input, same name + same input while RUNNING is the same execution)
 * and marks its workflow as started: the parent workflow starts it as a child right after, so the
 * API's reconciler must leave it alone. Safe to repeat (an activity redelivered after a crash).
 */
export async function storeChildExecution(
  pool: Pool,
  request: ChildExecutionRequest,
  random: number,
): Promise<StoredChildExecution> {
  try {
    return await storeChild(pool, request, random);
  } catch (err) {
    throw toChildError(err, request);
  }
}

async function storeChild(pool: Pool, request: ChildExecutionRequest, random: number): Promise<StoredChildExecution> {
  const inputText = checkInputSize(request.input);
  const { definition, publishedVersion } = await resolveTarget(
    pool,
    request.stateMachine,
    { version: request.version, alias: request.alias },
    () => random,
  );
  const id = toExecutionId(request.stateMachine, request.name);
  let row = await insertExecution(pool, {
    executionId: id,
    stateMachine: request.stateMachine,
    version: definition.version,
    name: request.name,
    input: request.input,
    inputText,
    publishedVersion,
    alias: request.alias,
  });
  if (!row) {
    const existing = await findExecution(pool, id);
    if (!sameStart(existing, request.input)) {
      throw new DomainError(
        'EXECUTION_ALREADY_EXISTS',
        `Execution Already Exists: '${executionArn(request.stateMachine, request.name)}'`,
      );
    }
    row = existing;
  }
  await markWorkflowStarted(pool, id);
  // A redelivered attempt finds the row it stored: run the version stored with it.
  const plan =
    row.version === definition.version
      ? definition.plan
      : (await findVersion(pool, row.stateMachine, row.version))?.plan;
  return { workflowInput: workflowInput(row, plan as Plan), description: describeChild(row) };
}
