/**
 * The Map view: for each Map state that ran, its children, their failures and its failure
 * tolerance. An inline Map's iterations come from its history events (`MapStateStarted`,
 * `MapIteration{Started,Succeeded,Failed,Aborted}`). A Distributed Map's runs are named by the
 * `MapRunStarted` events; each is described by `GET /v1/map-runs/{mapRunArn}` (status, item and
 * child-execution counts, tolerance; refreshed while it runs), its child executions listed by
 * `GET /v1/executions?mapRunArn=…` (a page at a time, failures first on demand), and its
 * concurrency and tolerance changed by `PATCH /v1/map-runs/{mapRunArn}` while it runs.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, seg, type Execution, type MapRun, type MapRunCounts } from '../api';
import { href } from '../router';
import { useLoad } from '../use-load';
import { mapSummaries, toleranceText } from './map-run-data';
import type { HistoryModel } from './status';

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
          {m.distributed && m.mapRunArns.length === 0 && <p class="muted">No Map Run started yet.</p>}
          {m.mapRunArns.map((arn) => (
            <MapRunView key={arn} mapRunArn={arn} />
          ))}
          {!m.distributed && (
            <p>
              {m.length !== undefined ? `${m.length} items · ` : ''}
              {m.started} started · {m.succeeded} succeeded · {m.failed.length} failed · {m.aborted} aborted
            </p>
          )}
          {!m.distributed && (
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
          )}
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

/** How often a running Map Run is described again. */
const REFRESH_MS = 2_000;
const COUNT_COLUMNS: [keyof MapRunCounts, string][] = [
  ['pending', 'Pending'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['timedOut', 'Timed out'],
  ['aborted', 'Aborted'],
  ['total', 'Total'],
  ['resultsWritten', 'Results written'],
];

/** One Distributed Map Run: its description, counts, tolerance, settings and child executions. */
export function MapRunView({ mapRunArn }: { mapRunArn: string }) {
  const [run, setRun] = useState<MapRun>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    api<MapRun>('GET', `/v1/map-runs/${seg(mapRunArn)}`, undefined, controller.signal).then(
      (found) => {
        setRun(found);
        setError(undefined);
        if (found.status === 'RUNNING') timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err instanceof ApiFailure ? err.message : String(err));
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [mapRunArn, tick]);
  const label = mapRunArn.split(':').slice(-2).join(':');
  return (
    <section class="map-run-detail" aria-label={`Map Run ${label}`} data-map-run={mapRunArn} data-status={run?.status}>
      <h4>
        Map Run <code>{label}</code>{' '}
        {run && <span class={`badge badge-${run.status.toLowerCase()}`}>{run.status}</span>}
      </h4>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {run && (
        <>
          <p class="facts">
            started {new Date(run.startDate).toLocaleString()}
            {run.stopDate ? ` · stopped ${new Date(run.stopDate).toLocaleString()}` : ''} · max concurrency{' '}
            {run.maxConcurrency === 0 ? 'unlimited' : run.maxConcurrency}
          </p>
          {run.error && (
            <p class="error">
              {run.error}
              {run.cause ? `: ${run.cause}` : ''}
            </p>
          )}
          <p data-testid="map-run-tolerance">
            Tolerance: {toleranceText(run)} · {run.itemCounts.failed + run.itemCounts.timedOut + run.itemCounts.aborted}{' '}
            of {run.itemCounts.total} items did not succeed
          </p>
          <table class="list counts" data-testid="map-run-counts">
            <caption>Items and child executions by status</caption>
            <thead>
              <tr>
                <th scope="col">Counted</th>
                {COUNT_COLUMNS.map(([key, name]) => (
                  <th scope="col" key={key}>
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['Items', run.itemCounts],
                  ['Child executions', run.executionCounts],
                ] as const
              ).map(([name, counts]) => (
                <tr key={name} data-counts={name}>
                  <th scope="row">{name}</th>
                  {COUNT_COLUMNS.map(([key]) => (
                    <td key={key} data-count={key}>
                      {counts[key]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {run.status === 'RUNNING' && <MapRunSettings run={run} onSaved={() => setTick((n) => n + 1)} />}
          <MapRunChildren mapRunArn={mapRunArn} refresh={tick} />
        </>
      )}
    </section>
  );
}

/** UpdateMapRun: max concurrency and tolerance of a running Map Run. */
function MapRunSettings({ run, onSaved }: { run: MapRun; onSaved: () => void }) {
  const [concurrency, setConcurrency] = useState(String(run.maxConcurrency));
  const [percentage, setPercentage] = useState(String(run.toleratedFailurePercentage));
  const [count, setCount] = useState(String(run.toleratedFailureCount));
  const [message, setMessage] = useState<string>();
  const id = seg(run.mapRunArn).replace(/%/g, '');
  return (
    <form
      class="filters"
      aria-label="Change this Map Run"
      onSubmit={(e) => {
        e.preventDefault();
        api('PATCH', `/v1/map-runs/${seg(run.mapRunArn)}`, {
          maxConcurrency: Number(concurrency),
          toleratedFailurePercentage: Number(percentage),
          toleratedFailureCount: Number(count),
        }).then(
          () => {
            setMessage('Saved.');
            onSaved();
          },
          (err: unknown) => setMessage(`Not saved: ${err instanceof ApiFailure ? err.message : String(err)}`),
        );
      }}
    >
      <label for={`${id}-mc`}>Max concurrency</label>
      <input
        id={`${id}-mc`}
        type="number"
        min={0}
        value={concurrency}
        onInput={(e) => setConcurrency(e.currentTarget.value)}
      />
      <label for={`${id}-tp`}>Tolerated failure %</label>
      <input
        id={`${id}-tp`}
        type="number"
        min={0}
        max={100}
        step="any"
        value={percentage}
        onInput={(e) => setPercentage(e.currentTarget.value)}
      />
      <label for={`${id}-tc`}>Tolerated failures</label>
      <input id={`${id}-tc`} type="number" min={0} value={count} onInput={(e) => setCount(e.currentTarget.value)} />
      <button type="submit" class="small">
        Update Map Run
      </button>
      {message && <span role="status">{message}</span>}
    </form>
  );
}

/** The child executions of a Map Run, a page at a time; all, or only those that did not succeed. */
function MapRunChildren({ mapRunArn, refresh }: { mapRunArn: string; refresh: number }) {
  const [status, setStatus] = useState('');
  const [cursor, setCursor] = useState<string>();
  const [pages, setPages] = useState<(string | undefined)[]>([]);
  const params = new URLSearchParams({ mapRunArn, limit: '20' });
  if (status) params.set('status', status);
  if (cursor) params.set('next', cursor);
  const url = `/v1/executions?${params.toString()}`;
  const { data, error } = useLoad(
    (signal) => api<{ executions: Execution[]; next?: string }>('GET', url, undefined, signal),
    [url, refresh],
  );
  return (
    <section aria-label="Child executions">
      <h5>Child executions</h5>
      <label>
        Show{' '}
        <select
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value);
            setCursor(undefined);
            setPages([]);
          }}
        >
          <option value="">all</option>
          <option value="FAILED">failed</option>
          <option value="TIMED_OUT">timed out</option>
          <option value="ABORTED">aborted</option>
          <option value="RUNNING">running</option>
          <option value="SUCCEEDED">succeeded</option>
        </select>
      </label>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {data && data.executions.length === 0 && <p class="muted">None.</p>}
      {data && data.executions.length > 0 && (
        <table class="list" data-testid="map-run-children">
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Cause</th>
            </tr>
          </thead>
          <tbody>
            {data.executions.map((x) => (
              <tr key={x.executionId} data-status={x.status}>
                <td>
                  <a href={href('executions', x.executionId)}>{x.name}</a>
                </td>
                <td>
                  <span class={`badge badge-${x.status.toLowerCase()}`}>{x.status}</span>
                </td>
                <td>{x.error ?? ''}</td>
                <td>
                  <code>{x.cause ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {pages.length > 0 && (
          <button
            type="button"
            class="small"
            onClick={() => {
              setCursor(pages[pages.length - 1]);
              setPages(pages.slice(0, -1));
            }}
          >
            Previous children
          </button>
        )}
        {data?.next && (
          <button
            type="button"
            class="small"
            onClick={() => {
              setPages([...pages, cursor]);
              setCursor(data.next);
            }}
          >
            More children
          </button>
        )}
      </div>
    </section>
  );
}

/** A child execution's link back to the execution whose Map Run started it. */
export function MapRunParent({ mapRunArn }: { mapRunArn: string }) {
  const { data } = useLoad(
    (signal) => api<MapRun>('GET', `/v1/map-runs/${seg(mapRunArn)}`, undefined, signal),
    [mapRunArn],
  );
  const label = mapRunArn.split(':').slice(-2).join(':');
  return data ? (
    <a href={href('executions', data.executionId)} data-testid="map-run-parent">
      child of Map Run {label} ({data.stateName})
    </a>
  ) : (
    <span>child of Map Run {label}</span>
  );
}
