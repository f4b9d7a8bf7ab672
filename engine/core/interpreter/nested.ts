import { StatesError, StatesErrors } from '../errors';
import { uuidV4 } from '../intrinsics/encoding';
import type { StartExecutionIntegration } from './resources';

/**
 * The Input key AWS reads to link a child execution to the execution that started it; the
 * value is the parent's `$$.Execution.Id`.
 */
export const STARTED_BY_KEY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

/** What a `startExecution` Task asks the host to start: a child execution of a state machine. */
export interface ChildExecutionRequest {
  /** The state machine's name (from `StateMachineArn`). */
  stateMachine: string;
  /** `StateMachineArn` qualified by a published version (`…:stateMachine:<name>:<n>`). */
  version?: number;
  /** `StateMachineArn` qualified by an alias (`…:stateMachine:<name>:<alias>`). */
  alias?: string;
  /** `Name`, or a UUID from the host's randomness (replay-safe). */
  name: string;
  /** `Input` (a JSON value, or JSON text parsed here); `{}` when absent. */
  input: unknown;
  integration: StartExecutionIntegration;
  /** `Input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`, when the definition passes it. */
  startedBy?: string;
}

/** A child execution as the host describes it (DescribeExecution's fields; dates epoch ms). */
export interface ChildExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:stateMachine:([^:\s]{1,80})(?::([A-Za-z0-9_.-]{1,80}))?$/;

/** Errors the Step Functions service integration raises, named as AWS names them. */
export const StepFunctionsErrors = {
  InvalidArn: 'StepFunctions.InvalidArnException',
  InvalidExecutionInput: 'StepFunctions.InvalidExecutionInputException',
  InvalidName: 'StepFunctions.InvalidNameException',
} as const;

const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u;

function parseInput(raw: unknown): unknown {
  if (raw === undefined) return {};
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new StatesError(StepFunctionsErrors.InvalidExecutionInput, `Invalid execution input: ${raw}`);
  }
}

/**
 * Reads a `startExecution` Task's effective parameters: `StateMachineArn` (required, optionally
 * qualified by a version or alias), `Input` (JSON or JSON text) and `Name` (default: a UUID
 * minted from `random`, so the same on replay).
 */
export function childExecutionRequest(
  parameters: unknown,
  integration: StartExecutionIntegration,
  random: () => number,
): ChildExecutionRequest {
  const params = (parameters ?? {}) as Record<string, unknown>;
  const arn = params.StateMachineArn;
  if (typeof arn !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      "The field 'StateMachineArn' is required by 'arn:aws:states:::states:startExecution'",
    );
  }
  const parsed = STATE_MACHINE_ARN.exec(arn);
  if (!parsed) throw new StatesError(StepFunctionsErrors.InvalidArn, `Invalid Arn: '${arn}'`);
  const qualifier = parsed[2];
  const name = params.Name === undefined ? uuidV4(random) : params.Name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new StatesError(StepFunctionsErrors.InvalidName, `Invalid Name: '${String(name)}'`);
  const input = parseInput(params.Input);
  const startedBy = (input as Record<string, unknown> | null)?.[STARTED_BY_KEY];
  return {
    stateMachine: parsed[1],
    ...(qualifier === undefined ? {} : /^\d+$/.test(qualifier) ? { version: Number(qualifier) } : { alias: qualifier }),
    name,
    input,
    integration,
    ...(typeof startedBy === 'string' ? { startedBy } : {}),
  };
}

/** StartExecution's response, as the request-response integration returns it. */
export function startResponse(child: ChildExecutionDescription): Record<string, unknown> {
  return { ExecutionArn: child.executionArn, StartDate: child.startDate };
}

/**
 * DescribeExecution's response as `.sync` (`Input`/`Output` as JSON text) and `.sync:2` (as
 * JSON) return it; a child that did not succeed has `Error`/`Cause` instead of `Output`.
 */
export function describedExecution(child: ChildExecutionDescription, json: boolean): Record<string, unknown> {
  const data = (value: unknown) => (json ? value : JSON.stringify(value ?? null));
  const succeeded = child.status === 'SUCCEEDED';
  return {
    ...(child.cause !== undefined ? { Cause: child.cause } : {}),
    ...(child.error !== undefined ? { Error: child.error } : {}),
    ExecutionArn: child.executionArn,
    Input: data(child.input),
    InputDetails: { Included: true },
    Name: child.name,
    ...(succeeded ? { Output: data(child.output), OutputDetails: { Included: true } } : {}),
    StartDate: child.startDate,
    StateMachineArn: child.stateMachineArn,
    Status: child.status,
    ...(child.stopDate !== undefined ? { StopDate: child.stopDate } : {}),
  };
}

/**
 * The Task result of a `startExecution` integration from the child's description: the start
 * response (`request`), or the description once the child ended (`sync`, `sync2`). A child that
 * failed, timed out or was aborted fails the Task with `States.TaskFailed`, the cause being the
 * description as JSON text.
 */
export function childExecutionResult(
  integration: StartExecutionIntegration,
  child: ChildExecutionDescription,
): unknown {
  if (integration === 'request') return startResponse(child);
  const described = describedExecution(child, integration === 'sync2');
  if (child.status !== 'SUCCEEDED') throw new StatesError(StatesErrors.TaskFailed, JSON.stringify(described));
  return described;
}
