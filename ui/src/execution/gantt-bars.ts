/** The Gantt's rows, read from the history model (pure: unit-tested without a browser). */
import type { HistoryEvent } from '../history-event';
import type { HistoryModel, StateEntry } from './status';

/** One bar of the Gantt: a state run, or a Parallel branch or Map iteration under its state. */
export interface Bar {
  kind: 'state' | 'branch' | 'iteration';
  label: string;
  /** The state to inspect when the bar is picked (a lane's Parallel or Map state). */
  state: string;
  start: number;
  end: number;
  status: string;
  depth: number;
}

/**
 * The Gantt's bars, in order of entry: every state run at the top level, and under each Parallel
 * or Map run a bar per branch or iteration followed by the state runs in it. A bar ends at its
 * last event, or now (or at the close) while it runs.
 */
export function bars(history: HistoryModel, now: number): Bar[] {
  const first = history.events[0];
  if (!first) return [];
  const origin = Date.parse(first.timestamp);
  const closedAt = history.closed ? Date.parse(history.closed.timestamp) : now;
  const at = (event: HistoryEvent) => Date.parse(event.timestamp) - origin;
  const rows: Bar[] = [];
  const visit = (entry: StateEntry, depth: number) => {
    const status = history.entryStatus(entry);
    const lastEvent = entry.exited ?? entry.events[entry.events.length - 1];
    const start = at(entry.entered);
    const end = status === 'running' ? closedAt - origin : at(lastEvent);
    rows.push({
      kind: 'state',
      label: entry.state,
      state: entry.state,
      start,
      end: Math.max(end, start),
      status,
      depth,
    });
    for (const lane of entry.lanes) {
      const laneStatus = history.laneStatus(lane);
      const laneStart = at(lane.first);
      const laneEnd = laneStatus === 'running' ? closedAt - origin : at(lane.last);
      rows.push({
        kind: lane.kind,
        label: lane.kind === 'branch' ? `Branch ${lane.index + 1}` : `Iteration ${lane.index}`,
        state: entry.state,
        start: laneStart,
        end: Math.max(laneEnd, laneStart),
        status: laneStatus,
        depth: depth + 1,
      });
      for (const inner of lane.entries) visit(inner, depth + 2);
    }
  };
  for (const entry of history.entries) if (!entry.lane) visit(entry, 0);
  return rows;
}
