import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure } from '@temporalio/common';
import { FUNCTION_INVOCATION_WORKFLOW } from '../workflows/messages';
import type { FunctionInvocationInput, InvokeFunctionInput, InvokeFunctionResult } from './contracts';

/** How often the forwarding activity heartbeats while the function host runs the function. */
const HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * `invokeFunction` on the workflow queue, for executions whose Task was scheduled there before
 * the function host existed: runs the invocation on the function host through the
 * function-invocation workflow and returns what it returns. A function error keeps its type; a
 * cancelled forward cancels the invocation on the host.
 */
export async function forwardToFunctionHost(input: InvokeFunctionInput): Promise<InvokeFunctionResult> {
  const ctx = Context.current();
  const { workflowExecution, activityId, attempt, taskQueue, startToCloseTimeoutMs } = ctx.info;
  const request: FunctionInvocationInput = {
    invocation: input,
    timeoutSeconds: Math.max(1, Math.ceil(startToCloseTimeoutMs / 1000)),
  };
  const handle = await ctx.client.workflow.start(FUNCTION_INVOCATION_WORKFLOW, {
    taskQueue,
    workflowId: `${workflowExecution?.workflowId ?? input.executionId}/forwarded-function/${activityId}/${attempt}`,
    args: [request],
  });
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
  const cancel = () => void handle.cancel().catch(() => undefined);
  ctx.cancellationSignal.addEventListener('abort', cancel, { once: true });
  try {
    return (await handle.result()) as InvokeFunctionResult;
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw new CancelledFailure('forwarded invocation cancelled');
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const failure = cause instanceof ActivityFailure ? cause.cause : cause;
    if (failure instanceof ApplicationFailure)
      throw ApplicationFailure.create({ type: failure.type ?? 'Error', message: failure.message, nonRetryable: true });
    throw err;
  } finally {
    clearInterval(beat);
    ctx.cancellationSignal.removeEventListener('abort', cancel);
  }
}
