import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createFunctionActivities } from '../activities/invoke-function';
import type { FunctionInvocationInput, InvokeFunctionResult } from '../activities/contracts';
import { functionsTaskQueue } from './messages';

type FunctionActivities = ReturnType<typeof createFunctionActivities>;

/** How long the function host may go without heartbeating before the invocation counts as lost. */
const HOST_HEARTBEAT_SECONDS = 10;

/**
 * Runs one function on the function host, once: TestState's Task (the API never runs a function
 * itself) and invocations forwarded from the workflow queue. A lost host fails it with a
 * heartbeat timeout; the caller decides.
 */
export async function functionInvocation(input: FunctionInvocationInput): Promise<InvokeFunctionResult> {
  const { invokeFunction } = proxyActivities<FunctionActivities>({
    taskQueue: functionsTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: `${input.timeoutSeconds} seconds`,
    startToCloseTimeout: `${input.timeoutSeconds} seconds`,
    heartbeatTimeout: `${HOST_HEARTBEAT_SECONDS} seconds`,
    retry: { maximumAttempts: 1 },
  });
  return invokeFunction(input.invocation);
}
