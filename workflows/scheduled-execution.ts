import {
  CancellationScope,
  continueAsNew,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';

/** The task queue of the triggers process (`stepflow triggers`) for a deployment's task queue. */
export function triggersTaskQueue(taskQueue: string): string {
  return `${taskQueue}-triggers`;
}

/** The workflow a Temporal Schedule starts for each action. */
export const SCHEDULED_EXECUTION_WORKFLOW = 'scheduledExecution';

/** The schedule action's arguments (and, after continue-as-new, where the wait stands). */
export interface ScheduledExecutionInput {
  schedule: string;
  /** Wait for the execution to end, so the schedule's overlap policy applies to executions (all but ALLOW_ALL). */
  wait: boolean;
  /** Set when continued as new: the nominal time and the execution already started. */
  scheduledTime?: string;
  executionId?: string;
}

/** What the triggers process does for a schedule (engine/triggers/schedule-activities.ts). */
export interface ScheduleActivities {
  startScheduledExecution(input: { schedule: string; scheduledTime: string }): Promise<{ executionId: string }>;
  executionStatus(executionId: string): Promise<string>;
  stopScheduledExecution(executionId: string): Promise<void>;
}

/** The nominal time Temporal appends to a scheduled workflow's id: `<workflow id>-<RFC 3339, UTC>`. */
export function nominalTimeOf(workflowId: string): string | undefined {
  return /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/.exec(workflowId)?.[1];
}

/** First and longest pause between two status checks of the running execution. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 300_000;
/** Continue as new past this many history events (a long execution polled for weeks). */
const MAX_HISTORY_EVENTS = 5_000;

/**
 * One action of a schedule: starts the Stepflow execution for the action's nominal time through
 * the start use case (an activity in the triggers process; the execution's name is derived from
 * the schedule and the nominal time, so a repeated action starts nothing new), then, unless the
 * policy is ALLOW_ALL, waits until the execution ends so SKIP / BUFFER_* / CANCEL_OTHER apply to
 * executions. Cancelled (CANCEL_OTHER), it stops the execution.
 */
export async function scheduledExecution(input: ScheduledExecutionInput): Promise<string> {
  const acts = proxyActivities<ScheduleActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
  });
  const info = workflowInfo();
  const scheduledTime = input.scheduledTime ?? nominalTimeOf(info.workflowId) ?? info.startTime.toISOString();
  const executionId =
    input.executionId ?? (await acts.startScheduledExecution({ schedule: input.schedule, scheduledTime })).executionId;
  if (!input.wait) return executionId;
  try {
    let delay = FIRST_POLL_MS;
    for (;;) {
      const status = await acts.executionStatus(executionId);
      if (status !== 'RUNNING') return status;
      if (workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
        await continueAsNew<typeof scheduledExecution>({ ...input, scheduledTime, executionId });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => acts.stopScheduledExecution(executionId));
    }
    throw err;
  }
}
