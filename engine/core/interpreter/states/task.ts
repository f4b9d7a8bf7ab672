import { StatesErrors } from '../../errors';
import { pushCompensation } from '../compensation';
import { childExecutionRequest, childExecutionResult, startResponse, type ChildExecutionDescription } from '../nested';
import { functionNameOf, resolveResource, wrapInvokeResult, type ResolvedResource } from '../resources';
import { eventsFor, type TaskEvents } from '../task-events';
import type { StateRunner } from '../pipeline';
import { asStatesError, type Scope, type StateDef } from '../scope';
import type { TaskInvocation, TaskOutcome } from '../types';
import type { Timeouts } from './task-timeouts';

/** A Task's `Resource` resolved, with the history events of its family. */
interface TaskResource {
  resolved: ResolvedResource;
  events: TaskEvents;
}

/** A table is cleared when it reaches this many resources (definitions hold far fewer). */
const RESOURCE_LIMIT = 5000;

/**
 * Resolved resources by `Resource` text: resolving is pure, and a Task's resource is resolved
 * for its token and again for its invocation at every attempt. One that fails is not stored (it
 * fails again where it is resolved, as it always did).
 */
const RESOURCES = new Map<string, TaskResource>();

function taskResource(resource: string): TaskResource {
  let known = RESOURCES.get(resource);
  if (known === undefined) {
    const resolved = resolveResource(resource);
    known = { resolved, events: eventsFor(resolved) };
    if (RESOURCES.size >= RESOURCE_LIMIT) RESOURCES.clear();
    RESOURCES.set(resource, known);
  }
  return known;
}

/** A fresh task token for a callback Task (replay-safe: from the host's randomness). */
function mintTaskToken(scope: Scope): string {
  let token = '';
  for (let i = 0; i < 4; i++)
    token += Math.floor(scope.run.host.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return token;
}

/** The Context object's `Task` member for a Task whose resource takes a token (else nothing). */
export function taskTokenContext(
  state: StateDef,
  scope: Scope,
): { token: string; extra: Record<string, unknown> } | undefined {
  const { resolved } = taskResource(state.Resource);
  if (!resolved.callback) return undefined;
  const token = mintTaskToken(scope);
  return { token, extra: { Task: { Token: token } } };
}

/** Called with the Task's result as soon as the resource succeeded (before anything else can fail). */
type OnResult = (result: unknown) => void | Promise<void>;

/** What the host runs for a resolved resource: the function (or state machine) and its payload. */
function request(
  resolved: ResolvedResource,
  params: unknown,
  scope: Scope,
): Pick<TaskInvocation, 'functionName' | 'payload' | 'execution'> {
  if (resolved.kind === 'execution') {
    const execution = childExecutionRequest(params, resolved.integration, () => scope.run.host.random());
    return { functionName: execution.stateMachine, payload: execution.input, execution };
  }
  if (resolved.kind === 'integration') return { functionName: resolved.arn, payload: params };
  if (resolved.events === 'Task')
    return { functionName: functionNameOf(params), payload: (params as { Payload?: unknown }).Payload ?? null };
  return {
    functionName: resolved.events === 'Activity' ? resolved.activityName : resolved.functionName,
    payload: params,
  };
}

/**
 * What the host is asked to run. The usual invocation (a function, no token, a history Stepflow
 * keeps) is one literal; the others spread their optional members in. Both give the same
 * members in the same order.
 */
function invocationOf(
  name: string,
  state: StateDef,
  resolved: ResolvedResource,
  what: Pick<TaskInvocation, 'functionName' | 'payload' | 'execution'>,
  { timeoutSeconds, heartbeatSeconds }: Timeouts,
  scope: Scope,
  key: string,
  token: string | undefined,
  startedEventId: number | undefined,
): TaskInvocation {
  const keeps = scope.run.recorder.keeps;
  if (
    resolved.kind !== 'integration' &&
    what.execution === undefined &&
    keeps &&
    !token &&
    startedEventId === undefined
  ) {
    return {
      stateName: name,
      kind: resolved.kind,
      functionName: what.functionName,
      payload: what.payload,
      timeoutSeconds,
      heartbeatSeconds,
      idempotencyKey: key,
      abandoned: scope.abort,
    };
  }
  return {
    stateName: name,
    kind: resolved.kind,
    ...(resolved.kind === 'integration' ? { resource: state.Resource } : {}),
    ...what,
    timeoutSeconds,
    heartbeatSeconds,
    idempotencyKey: key,
    abandoned: scope.abort,
    ...(keeps ? {} : { detached: true as const }),
    ...(token ? { taskToken: token } : {}),
    ...(startedEventId !== undefined ? { startedEventId } : {}),
  };
}

/** The Task's result from the host's outcome (wrapped by `lambda:invoke`, shaped by `startExecution`). */
function resultOf(resolved: ResolvedResource, outcome: TaskOutcome, key: string): unknown {
  // With a token, the result is what SendTaskSuccess sent.
  if (resolved.callback) return outcome.result;
  if (resolved.kind === 'execution')
    return childExecutionResult(resolved.integration, outcome.result as ChildExecutionDescription);
  if (resolved.kind === 'integration') return outcome.result;
  return resolved.events === 'Task' ? wrapInvokeResult(outcome.result, key) : outcome.result;
}

/** What `TaskSubmitted` records: what a token-taking function returned, or a child's start response. */
function submittedOf(resolved: ResolvedResource, outcome: TaskOutcome, key: string): unknown {
  if (resolved.kind === 'integration') return outcome.submitted ?? null;
  return resolved.kind === 'execution'
    ? startResponse(outcome.submitted as ChildExecutionDescription)
    : wrapInvokeResult(outcome.submitted, key);
}

/** Runs one attempt of the function (or activity, or nested execution) behind `Resource` and records its events. */
async function invoke(
  name: string,
  state: StateDef,
  params: unknown,
  timeouts: Timeouts,
  scope: Scope,
  key: string,
  token?: string,
  onResult?: OnResult,
): Promise<unknown> {
  const { resolved, events } = taskResource(state.Resource);
  const { timeoutSeconds, heartbeatSeconds } = timeouts;
  const what = request(resolved, params, scope);
  scope.emit(events.scheduled(params, timeoutSeconds, resolved.callback ? heartbeatSeconds : undefined));
  // A function Task whose host records its start: `…Started` goes out with the call, stamped by
  // the host when the function really starts (not when it has finished).
  const startsEarly = resolved.kind === 'lambda' && !resolved.callback && scope.run.host.recordsTaskStart?.() === true;
  const startedEventId = startsEarly ? scope.emit(events.started()) : undefined;
  let outcome: TaskOutcome | undefined;
  let result: unknown;
  try {
    outcome = await scope.run.host.invokeTask(
      invocationOf(name, state, resolved, what, timeouts, scope, key, token, startedEventId),
    );
    result = resultOf(resolved, outcome, key);
  } catch (err) {
    scope.checkAbandoned();
    const failure = asStatesError(err);
    const timedOut = failure.error === StatesErrors.Timeout || failure.error === StatesErrors.HeartbeatTimeout;
    // AWS records the start before a failure or a timeout alike (and a child's start before its failure).
    if (outcome && !startsEarly) {
      scope.emitAt(outcome.startedAt, events.started(outcome.workerName));
      if (events.submitted) scope.emit(events.submitted(submittedOf(resolved, outcome, key)));
    } else if (!startsEarly) scope.emit(events.started());
    scope.emit(events.failed(timedOut, failure.error, failure.cause));
    throw failure;
  }
  // The side effect happened: its compensation is due even if this branch is being abandoned.
  if (onResult) await onResult(result);
  scope.checkAbandoned();
  if (!startsEarly) {
    scope.emitAt(outcome.startedAt, events.started(outcome.workerName));
  }
  if (events.submitted) scope.emit(events.submitted(submittedOf(resolved, outcome, key)));
  scope.emit(events.succeeded(result));
  return result;
}

/**
 * Task: the function (or activity, or nested execution) behind `Resource`, run on the
 * `Parameters`/`Arguments` with the state's `TimeoutSeconds`/`HeartbeatSeconds`. A Task with
 * `Compensate` pushes its compensation once the resource succeeded (see compensation.ts).
 */
export const taskRunner: StateRunner<Timeouts> = {
  retryable: true,
  parameters: true,
  spec: { hasResult: true },
  context: taskTokenContext,
  prepare: (io) => io.flow.timeouts(io.e, io.effective),
  act(io, timeouts) {
    const { name, state, scope } = io.e;
    const key = `${scope.run.execution.id}#${io.enteredId}`;
    const compensate: OnResult | undefined = state.Compensate && ((result) => pushCompensation(io, result, key));
    return invoke(name, state, io.params, timeouts, scope, key, io.token, compensate);
  },
};
