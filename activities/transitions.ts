import type { Metrics } from '../engine/metrics';
import type { HistoryEvent } from '../schemas/history';

/** Counts the states entered in a batch of events (each `…StateEntered` is one transition). */
export function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[]): void {
  for (const event of events) {
    if (event.type.endsWith('StateEntered'))
      metrics?.stateTransitions.inc({ type: event.type.slice(0, -'StateEntered'.length) });
  }
}
