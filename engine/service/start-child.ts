import type { Pool } from 'pg';
import type { Plan } from '../../schemas/plan';
import type { ExecutionWorkflowInput } from '../../workflows/messages';
import { executionArn, executionId as toExecutionId, stateMachineArn } from '../core/arn';
import { StatesError } from '../core/errors';
import type { ChildExecutionDescription, ChildExecutionRequest } from '../core/interpreter/nested';
import { findAlias } from '../db/aliases-repo';
import { findExecution, insertExecution, markWorkflowStarted, type ExecutionRow } from '../db/executions-repo';
import { findPublishedVersion } from '../db/published-versions-repo';
import { findVersion, type StateMachineVersionRow } from '../db/state-machines-repo';
import { chooseRoute } from './aliases';
import { MAX_INPUT_BYTES, workflowInput } from './start';

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

/** The definition a child runs: the machine's current one, or the published version / alias named. */
async function resolveDefinition(
  pool: Pool,
  request: ChildExecutionRequest,
  random: number,
): Promise<{ definition: StateMachineVersionRow; publishedVersion?: number }> {
  const missing = (what: string) =>
    new StatesError(StartChildErrors.StateMachineDoesNotExist, `State Machine Does Not Exist: '${what}'`);
  const machine = await findVersion(pool, request.stateMachine);
  if (!machine) throw missing(stateMachineArn(request.stateMachine));
  let publishedVersion = request.version;
  if (request.alias !== undefined) {
    const alias = await findAlias(pool, request.stateMachine, request.alias);
    if (!alias) throw missing(`${stateMachineArn(request.stateMachine)}:${request.alias}`);
    publishedVersion = chooseRoute(alias.routes, random);
  }
  if (publishedVersion === undefined) return { definition: machine };
  const published = await findPublishedVersion(pool, request.stateMachine, publishedVersion);
  if (!published) throw missing(`${stateMachineArn(request.stateMachine)}:${publishedVersion}`);
  return {
    definition: (await findVersion(pool, request.stateMachine, published.definitionVersion)) as StateMachineVersionRow,
    publishedVersion,
  };
}

/** A stored execution as the `startExecution` integration describes it (dates epoch ms). */
export function describeChild(row: ExecutionRow): ChildExecutionDescription {
  return {
    executionArn: executionArn(row.stateMachine, row.name),
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
  const size = Buffer.byteLength(JSON.stringify(request.input), 'utf8');
  if (size > MAX_INPUT_BYTES) {
    throw new StatesError(
      StartChildErrors.InvalidExecutionInput,
      `The input is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`,
    );
  }
  const { definition, publishedVersion } = await resolveDefinition(pool, request, random);
  const id = toExecutionId(request.stateMachine, request.name);
  let row = await insertExecution(pool, {
    executionId: id,
    stateMachine: request.stateMachine,
    version: definition.version,
    name: request.name,
    input: request.input,
    publishedVersion,
    alias: request.alias,
  });
  if (!row) {
    const existing = await findExecution(pool, id);
    if (
      !existing ||
      existing.status !== 'RUNNING' ||
      JSON.stringify(existing.input) !== JSON.stringify(request.input)
    ) {
      throw new StatesError(
        StartChildErrors.ExecutionAlreadyExists,
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
