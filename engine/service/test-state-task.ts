import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { FunctionInvocationInput, InvokeFunctionResult } from '../../activities/contracts';
import { FUNCTION_INVOCATION_WORKFLOW } from '../../workflows/messages';
import { StatesError, StatesErrors } from '../core/errors';
import { functionNameOf, resolveResource, wrapInvokeResult } from '../core/interpreter/resources';
import type { StateDef } from '../core/interpreter/scope';

/** TestState's own limit: a state that runs longer fails with `States.Timeout` (AWS: five minutes). */
export const TEST_STATE_MAX_SECONDS = 300;

/** Runs the function behind a Task's `Resource` once, with the effective parameters; returns the Task result. */
export type TaskInvoker = (
  state: StateDef,
  parameters: unknown,
  timeoutSeconds: number | undefined,
) => Promise<unknown>;

/** What a function sees of the TestState call in its `context`. */
export interface InvocationIdentity {
  executionId: string;
  stateName: string;
}

/** Where TestState's functions run: the function host, reached through Temporal (never this process). */
export interface FunctionHostRoute {
  temporal: Client;
  /** The workflow task queue; the function host serves `<queue>-functions`. */
  taskQueue: string;
}

/** The ASL error of a failed function-invocation workflow: the function's error, a timeout, or a lost host. */
function invocationError(err: unknown): StatesError {
  const cause = err instanceof WorkflowFailedError ? err.cause : err;
  const failure = cause instanceof ActivityFailure ? cause.cause : cause;
  if (failure instanceof ApplicationFailure)
    return new StatesError(failure.type ?? StatesErrors.TaskFailed, failure.message);
  if (failure instanceof TimeoutFailure && failure.timeoutType !== 'HEARTBEAT')
    return new StatesError(StatesErrors.Timeout, '');
  if (failure instanceof TimeoutFailure) {
    return new StatesError(
      'Lambda.ServiceException',
      JSON.stringify({
        errorType: 'Lambda.ServiceException',
        errorMessage: 'The function host was lost during the invocation',
      }),
    );
  }
  return new StatesError(StatesErrors.TaskFailed, err instanceof Error ? err.message : String(err));
}

/**
 * Invokes Tasks through the functions of `FUNCTIONS_DIR` on the function host (once, no Retry),
 * through the function-invocation workflow: a function ARN gets the parameters and its return
 * value is the result; `lambda:invoke` gets `Payload` and its result is wrapped like Lambda's
 * Invoke response. `TimeoutSeconds` (capped at TEST_STATE_MAX_SECONDS) fails the Task with
 * `States.Timeout`, and the host kills the function (aborting `context.signal`). A function that
 * blocks, exits or runs out of memory never touches the API process.
 */
export function functionInvoker(route: FunctionHostRoute, identity: InvocationIdentity): TaskInvoker {
  return async (state, parameters, timeoutSeconds) => {
    const resolved = resolveResource(state.Resource);
    if (resolved.kind !== 'lambda')
      throw new StatesError(StatesErrors.Runtime, `The resource '${state.Resource}' needs a mock in TestState`);
    const wrapped = resolved.events === 'Task';
    const functionName = wrapped ? functionNameOf(parameters) : resolved.functionName;
    const payload = wrapped ? ((parameters as { Payload?: unknown }).Payload ?? null) : parameters;
    const requestId = randomUUID();
    const seconds = Math.min(timeoutSeconds ?? TEST_STATE_MAX_SECONDS, TEST_STATE_MAX_SECONDS);
    const input: FunctionInvocationInput = {
      invocation: {
        executionId: identity.executionId,
        stateName: identity.stateName,
        functionName,
        payload,
        idempotencyKey: requestId,
        pendingEvents: [],
      },
      timeoutSeconds: seconds,
    };
    let outcome: InvokeFunctionResult;
    try {
      outcome = await route.temporal.workflow.execute(FUNCTION_INVOCATION_WORKFLOW, {
        taskQueue: route.taskQueue,
        workflowId: `test-state/${requestId}`,
        args: [input],
        // The invocation's own timeout ends it first; this only bounds a workflow nobody runs.
        workflowExecutionTimeout: `${seconds + 60} seconds`,
      });
    } catch (err) {
      throw invocationError(err);
    }
    return wrapped ? wrapInvokeResult(outcome.result, requestId) : outcome.result;
  };
}
