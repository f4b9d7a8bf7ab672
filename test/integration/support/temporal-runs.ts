import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

/** One Temporal run of a workflow, as Temporal's visibility lists it. */
export interface TemporalRun {
  runId: string;
  status: string;
  historyLength: number;
  startTime: Date;
}

/** Every Temporal run of the workflow (every continue-as-new run of an execution), oldest first. */
export async function runsOf(temporal: Client, workflowId: string): Promise<TemporalRun[]> {
  const runs: TemporalRun[] = [];
  for await (const info of temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs.push({
      runId: info.runId,
      status: info.status.name,
      historyLength: info.historyLength,
      startTime: info.startTime,
    });
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** The runs once visibility lists at least `count` of them (it lags the workflow a little). */
export async function waitForRuns(
  temporal: Client,
  workflowId: string,
  count: number,
  timeoutMs = 300_000,
): Promise<TemporalRun[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await runsOf(temporal, workflowId);
    if (runs.length >= count) return runs;
    if (Date.now() > deadline) throw new Error(`${workflowId}: ${runs.length} runs after ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The runs once visibility lists the last one as COMPLETED (or after a minute, as they are). */
export async function settledRuns(temporal: Client, workflowId: string): Promise<TemporalRun[]> {
  for (let i = 0; ; i++) {
    const runs = await runsOf(temporal, workflowId);
    if (runs.at(-1)?.status === 'COMPLETED' || i >= 120) return runs;
    await sleep(500);
  }
}

/** The headers a workflow run was started with (its history's first event), by name. */
export function startHeaders(history: {
  events?: Array<{
    workflowExecutionStartedEventAttributes?: { header?: { fields?: Record<string, unknown> | null } | null } | null;
  }> | null;
}): Record<string, Payload> {
  return (history.events?.[0]?.workflowExecutionStartedEventAttributes?.header?.fields ?? {}) as Record<
    string,
    Payload
  >;
}
