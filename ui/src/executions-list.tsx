/** Executions newest first, filtered by state machine, status and start time, a page at a time. */
import { useState } from 'preact/hooks';
import { api, type Execution } from './api';
import { href } from './router';
import { useLoad } from './use-load';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** `datetime-local` value → ISO-8601 with offset (the API's `from`/`to`). */
function iso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function ExecutionList({ query }: { query: URLSearchParams }) {
  const [machine, setMachine] = useState(query.get('stateMachine') ?? '');
  const [status, setStatus] = useState(query.get('status') ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursor, setCursor] = useState<string>();
  const [pages, setPages] = useState<(string | undefined)[]>([]);
  // `#/executions?limit=N` sets the page size (1 to 100; 50 by default).
  const limit = Math.min(100, Math.max(1, Number(query.get('limit')) || 50));
  const params = new URLSearchParams({ limit: String(limit) });
  if (machine) params.set('stateMachine', machine);
  if (status) params.set('status', status);
  const fromIso = iso(from);
  const toIso = iso(to);
  if (fromIso) params.set('from', fromIso);
  if (toIso) params.set('to', toIso);
  if (cursor) params.set('next', cursor);
  const url = `/v1/executions?${params.toString()}`;
  const { data, error } = useLoad(
    (signal) => api<{ executions: Execution[]; next?: string }>('GET', url, undefined, signal),
    [url],
  );
  const reset = () => {
    setCursor(undefined);
    setPages([]);
  };
  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter executions">
        <label>
          State machine
          <input
            value={machine}
            onChange={(e) => {
              setMachine(e.currentTarget.value);
              reset();
            }}
          />
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              reset();
            }}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started from
          <input
            type="datetime-local"
            value={from}
            onChange={(e) => {
              setFrom(e.currentTarget.value);
              reset();
            }}
          />
        </label>
        <label>
          to
          <input
            type="datetime-local"
            value={to}
            onChange={(e) => {
              setTo(e.currentTarget.value);
              reset();
            }}
          />
        </label>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {data && data.executions.length === 0 && <p>No executions match.</p>}
      {data && data.executions.length > 0 && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Execution</th>
              <th scope="col">State machine</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Stopped</th>
            </tr>
          </thead>
          <tbody>
            {data.executions.map((x) => (
              <tr key={x.executionId}>
                <td>
                  <a href={href('executions', x.executionId)}>{x.name}</a>
                </td>
                <td>{x.stateMachine}</td>
                <td>
                  <span class={`badge badge-${x.status.toLowerCase()}`}>{x.status}</span>
                </td>
                <td>{new Date(x.startDate).toLocaleString()}</td>
                <td>{x.stopDate ? new Date(x.stopDate).toLocaleString() : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {pages.length > 0 && (
          <button
            type="button"
            onClick={() => {
              setCursor(pages[pages.length - 1]);
              setPages(pages.slice(0, -1));
            }}
          >
            Newer
          </button>
        )}
        {data?.next && (
          <button
            type="button"
            onClick={() => {
              setPages([...pages, cursor]);
              setCursor(data.next);
            }}
          >
            Older
          </button>
        )}
      </div>
    </section>
  );
}
