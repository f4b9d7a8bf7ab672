/** State machines by name, a page at a time. */
import { useState } from 'preact/hooks';
import { api, type StateMachineSummary } from '../api';
import { href } from '../router';
import { useLoad } from '../use-load';

export function MachineList() {
  const [cursor, setCursor] = useState<string>();
  const [pages, setPages] = useState<(string | undefined)[]>([]);
  const { data, error } = useLoad(
    (signal) =>
      api<{ stateMachines: StateMachineSummary[]; next?: string }>(
        'GET',
        `/v1/state-machines?limit=50${cursor ? `&next=${encodeURIComponent(cursor)}` : ''}`,
        undefined,
        signal,
      ),
    [cursor],
  );
  return (
    <section aria-labelledby="machines-title">
      <h1 id="machines-title">State machines</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {data && data.stateMachines.length === 0 && <p>No state machines yet: create one with the CLI or the API.</p>}
      {data && data.stateMachines.length > 0 && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {data.stateMachines.map((m) => (
              <tr key={m.name}>
                <td>
                  <a href={href('machines', m.name)}>{m.name}</a>
                </td>
                <td>{m.type}</td>
                <td>{new Date(m.createdAt).toLocaleString()}</td>
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
            Previous page
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
            Next page
          </button>
        )}
      </div>
    </section>
  );
}
