import type { Metrics } from '../engine/metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts states entered as the workflow tallied them (a bulk history write). */
export function countEntered(metrics: Metrics | undefined, entered: Record<string, number>): void {
  if (!metrics) return;
  for (const [type, count] of Object.entries(entered)) metrics.stateTransitions.inc({ type }, count);
}

/** Counts the states entered in a batch of events (each `…StateEntered` is one transition). */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[]): void {
  for (const event of events) {
    if (event.type.endsWith('StateEntered'))
      metrics?.stateTransitions.inc({ type: event.type.slice(0, -'StateEntered'.length) });
  }
}
