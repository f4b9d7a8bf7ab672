import type { Metrics } from '../engine/metrics';
import { observeHistory } from '../engine/telemetry/history-metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts the states entered in a batch of events and times the states and executions that ended in it. */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[], executionId = ''): void {
  if (metrics) observeHistory(metrics, executionId, events);
}
