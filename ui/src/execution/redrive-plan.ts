/**
 * What a redrive will run again, read from the history: the states whose latest run did not
 * succeed (failed, aborted, or cut off while running), and the Map iterations that did not
 * succeed. Everything that succeeded is reused, as RedriveExecution does.
 */
import type { HistoryModel } from './status';

export interface RedrivePlan {
  /** States that run again, in the order they were entered. */
  rerun: string[];
  /** Map state → iteration indexes that run again. */
  iterations: Map<string, number[]>;
  /** States whose results are reused. */
  reused: string[];
}

export function redrivePlan(history: HistoryModel): RedrivePlan {
  const views = history.states();
  const rerun: string[] = [];
  const reused: string[] = [];
  for (const [state, view] of views) {
    if (view.status === 'succeeded' || view.status === 'caught') reused.push(state);
    else rerun.push(state);
  }
  const iterations = new Map<string, number[]>();
  const done = new Map<string, Set<number>>();
  const seen = new Map<string, Set<number>>();
  for (const event of history.events) {
    if (!/^MapIteration/.test(event.type)) continue;
    const details = (Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] ?? {}) as {
      name?: string;
      index?: number;
    };
    if (details.name === undefined || details.index === undefined) continue;
    const bucket = event.type === 'MapIterationSucceeded' ? done : seen;
    const set = bucket.get(details.name) ?? new Set<number>();
    set.add(details.index);
    bucket.set(details.name, set);
  }
  for (const [map, indexes] of seen) {
    const failed = [...indexes].filter((i) => !done.get(map)?.has(i)).sort((a, b) => a - b);
    if (failed.length > 0 && rerun.includes(map)) iterations.set(map, failed);
  }
  return { rerun, iterations, reused };
}
