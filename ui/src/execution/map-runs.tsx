/**
 * The Map view: for each Map state that ran, its iterations (children), their failures, and
 * the failure tolerance its definition declares. Built from the Map iteration events
 * (`MapStateStarted`, `MapIteration{Started,Succeeded,Failed,Aborted}`); Distributed Map runs
 * (`MapRun…` events, child executions) are shown from the same events until the engine
 * records them.
 */
import type { HistoryEvent } from '../api';
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

export function MapRuns({
  history,
  definitionOf,
}: {
  history: HistoryModel;
  definitionOf: (state: string) => Record<string, unknown> | undefined;
}) {
  const maps = mapSummaries(history, definitionOf);
  return (
    <section aria-labelledby="maps-title">
      <h2 id="maps-title">Map runs</h2>
      {maps.length === 0 && <p class="muted">No Map state has run in this execution.</p>}
      {maps.map((m) => (
        <section key={m.state} class="map-run" aria-label={`Map ${m.state}`}>
          <h3>
            {m.state} {m.distributed ? '(Distributed)' : '(inline)'}
          </h3>
          <p>
            {m.length !== undefined ? `${m.length} items · ` : ''}
            {m.started} started · {m.succeeded} succeeded · {m.failed.length} failed · {m.aborted} aborted
          </p>
          <p>
            Tolerance:{' '}
            {m.toleratedFailurePercentage === undefined && m.toleratedFailureCount === undefined
              ? 'none (the first failed item fails the Map)'
              : [
                  m.toleratedFailurePercentage !== undefined ? `${m.toleratedFailurePercentage}% of items` : '',
                  m.toleratedFailureCount !== undefined ? `${m.toleratedFailureCount} items` : '',
                ]
                  .filter(Boolean)
                  .join(' or ')}
          </p>
          {m.failed.length > 0 && (
            <table class="list">
              <caption>Failed iterations</caption>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Error</th>
                  <th scope="col">Cause</th>
                </tr>
              </thead>
              <tbody>
                {m.failed.map((f) => (
                  <tr key={f.index}>
                    <td>{f.index}</td>
                    <td>{f.error ?? '—'}</td>
                    <td>
                      <code>{f.cause ?? ''}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </section>
  );
}
