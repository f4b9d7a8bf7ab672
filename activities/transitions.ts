import type { Metrics } from '../engine/metrics';
import { observeHistory, stateMachineOf } from '../engine/telemetry/history-metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts the states entered in a batch of events and times the states and executions that ended in it. */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[], executionId = ''): void {
  if (metrics) observeHistory(metrics, executionId, events);
}

/** Counts states entered as the workflow tallied them (a bulk history write, whose rows are not parsed here). */
export function countEntered(metrics: Metrics | undefined, entered: Record<string, number>, executionId: string): void {
  if (!metrics) return;
  const machine = stateMachineOf(executionId);
  for (const [type, count] of Object.entries(entered))
    metrics.stateTransitions.inc({ state_machine: machine, type }, count);
}
