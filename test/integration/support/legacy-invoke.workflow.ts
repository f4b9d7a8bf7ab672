import { proxyActivities } from '@temporalio/workflow';
import type { InvokeFunctionInput, InvokeFunctionResult } from '../../../activities/contracts';

/**
 * Schedules `invokeFunction` on the workflow task queue `taskQueue`, as executions started before
 * the function host did (their Tasks replay onto that queue).
 */
export async function legacyInvoke(taskQueue: string, input: InvokeFunctionInput): Promise<InvokeFunctionResult> {
  const { invokeFunction } = proxyActivities<{
    invokeFunction(input: InvokeFunctionInput): Promise<InvokeFunctionResult>;
  }>({
    taskQueue,
    startToCloseTimeout: '60 seconds',
    heartbeatTimeout: '10 seconds',
    retry: { maximumAttempts: 1 },
  });
  return invokeFunction(input);
}
