/** The Map view's data, read from the history and the definition (pure: unit-tested without a browser). */
import type { HistoryEvent } from '../history-event';
import { detailsOf, type HistoryModel } from './status';

export interface MapSummary {
  state: string;
  length?: number;
  started: number;
  succeeded: number;
  failed: { index: number; error?: string; cause?: string }[];
  aborted: number;
  toleratedFailurePercentage?: number;
  toleratedFailureCount?: number;
  distributed: boolean;
  /** Distributed: the Map Runs it started (`MapRunStarted`), in order. */
  mapRunArns: string[];
}

/** Map summaries from the history and the definition of each Map state. */
export function mapSummaries(
  history: HistoryModel,
  definitionOf: (state: string) => Record<string, unknown> | undefined,
): MapSummary[] {
  const byState = new Map<string, MapSummary>();
  const summary = (state: string) => {
    let found = byState.get(state);
    if (!found) {
      const definition = definitionOf(state) ?? {};
      const processor = (definition.ItemProcessor ?? {}) as { ProcessorConfig?: { Mode?: string } };
      found = {
        state,
        started: 0,
        succeeded: 0,
        failed: [],
        aborted: 0,
        toleratedFailurePercentage: definition.ToleratedFailurePercentage as number | undefined,
        toleratedFailureCount: definition.ToleratedFailureCount as number | undefined,
        distributed: processor.ProcessorConfig?.Mode === 'DISTRIBUTED',
        mapRunArns: [],
      };
      byState.set(state, found);
    }
    return found;
  };
  let lastMap: string | undefined;
  for (const event of history.events) {
    const details = detailsOf(event) ?? {};
    if (event.type === 'MapStateEntered') lastMap = details.name as string;
    if (event.type === 'MapStateStarted' && lastMap) summary(lastMap).length = details.length as number | undefined;
    if (event.type === 'MapRunStarted' && typeof details.mapRunArn === 'string') {
      const owner = history.entries.find((entry) => entry.type === 'Map' && entry.events.includes(event));
      const s = summary(owner?.state ?? lastMap ?? 'Map');
      s.distributed = true;
      if (!s.mapRunArns.includes(details.mapRunArn)) s.mapRunArns.push(details.mapRunArn);
    }
    if (!/^MapIteration/.test(event.type) || typeof details.name !== 'string') continue;
    const s = summary(details.name);
    if (event.type === 'MapIterationStarted') s.started++;
    else if (event.type === 'MapIterationSucceeded') s.succeeded++;
    else if (event.type === 'MapIterationAborted') s.aborted++;
    else if (event.type === 'MapIterationFailed')
      s.failed.push({ index: details.index as number, ...iterationError(history, event) });
  }
  return [...byState.values()];
}

/** The error of a failed iteration: the last failure event of a state run in that iteration. */
function iterationError(history: HistoryModel, event: HistoryEvent): { error?: string; cause?: string } {
  const index = (detailsOf(event) ?? {}).index;
  const runs = history.entries.filter((entry) => entry.iteration === index && entry.error);
  const last = runs[runs.length - 1]?.error;
  return last ? { error: last.error, cause: last.cause } : {};
}

/** How a Map Run's tolerance reads: the failures it accepts before it fails. */
export function toleranceText(run: { toleratedFailurePercentage: number; toleratedFailureCount: number }): string {
  const parts = [
    run.toleratedFailurePercentage > 0 ? `${run.toleratedFailurePercentage}% of items` : '',
    run.toleratedFailureCount > 0 ? `${run.toleratedFailureCount} items` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'none (the first failed item fails the run)' : `up to ${parts.join(' or ')} may fail`;
}
