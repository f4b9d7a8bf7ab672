import type { Metrics } from '../engine/metrics';
import { observeHistory } from '../engine/telemetry/history-metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts the states entered in a batch of events and times the states and executions that ended in it. */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[], executionId = ''): void {
  if (metrics) observeHistory(metrics, executionId, events);
}

/**
 * Feeds the metrics from a bulk batch's row text (see `workflows/history-rows.ts`): the rows are
 * parsed here, once, only for the metrics (state and execution durations need the timestamps).
 */
export function countRows(
  metrics: Metrics | undefined,
  rowsText: string,
  executionId: string,
  startedAt?: number,
): void {
  if (!metrics) return;
  const rows = JSON.parse(rowsText) as { details: HistoryEvent }[];
  observeHistory(
    metrics,
    executionId,
    rows.map((row) => row.details),
    startedAt,
  );
}
