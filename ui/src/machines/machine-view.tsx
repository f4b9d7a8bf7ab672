/** One state machine: its graph, versions and aliases, its executions, the editor; Start. */
import { useMemo, useState } from 'preact/hooks';
import { api, seg, type Alias, type PublishedVersion, type StateMachine } from '../api';
import { StartDialog } from '../actions/start-dialog';
import { GraphView } from '../graph/graph-view';
import { buildGraph } from '../graph/model';
import { href } from '../router';
import { useLoad } from '../use-load';
import { DefinitionEditor } from './definition-editor';

export function MachineView({ name, tab }: { name: string; tab?: string }) {
  const [starting, setStarting] = useState(false);
  const { data, error, reload } = useLoad(
    async (signal) => {
      const [machine, versions, aliases] = await Promise.all([
        api<StateMachine>('GET', `/v1/state-machines/${seg(name)}`, undefined, signal),
        api<{ versions: PublishedVersion[] }>(
          'GET',
          `/v1/state-machines/${seg(name)}/versions?limit=50`,
          undefined,
          signal,
        ),
        api<{ aliases: Alias[] }>('GET', `/v1/state-machines/${seg(name)}/aliases`, undefined, signal),
      ]);
      return { machine, versions: versions.versions, aliases: aliases.aliases };
    },
    [name],
  );
  const model = useMemo(() => (data ? buildGraph(data.machine.definition) : undefined), [data]);
  const editing = tab === 'edit';
  return (
    <section aria-labelledby="machine-title">
      <h1 id="machine-title">{name}</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {data && model && (
        <>
          <p class="facts">
            {data.machine.type} · revision {data.machine.version} · updated{' '}
            {new Date(data.machine.versionCreatedAt).toLocaleString()}
          </p>
          <div class="toolbar">
            <button type="button" onClick={() => setStarting(true)}>
              Start execution
            </button>
            <a href={`#/executions?stateMachine=${encodeURIComponent(name)}`}>Executions</a>
            {editing ? (
              <a href={href('machines', name)}>Graph</a>
            ) : (
              <a href={href('machines', name, 'edit')}>Edit definition</a>
            )}
          </div>
          {editing ? (
            <DefinitionEditor name={name} definition={data.machine.definition} onSaved={reload} />
          ) : (
            <GraphView model={model} label={`Graph of ${name}`} />
          )}
          <div class="columns">
            <section aria-labelledby="versions-title">
              <h2 id="versions-title">Versions</h2>
              {data.versions.length === 0 ? (
                <p class="muted">No published versions.</p>
              ) : (
                <ul>
                  {data.versions.map((v) => (
                    <li key={v.version}>
                      version {v.version}
                      {v.description ? ` — ${v.description}` : ''} ({new Date(v.createdAt).toLocaleString()})
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="aliases-title">
              <h2 id="aliases-title">Aliases</h2>
              {data.aliases.length === 0 ? (
                <p class="muted">No aliases.</p>
              ) : (
                <ul>
                  {data.aliases.map((a) => (
                    <li key={a.name}>
                      {a.name}: {a.routes.map((r) => `v${r.version} ${r.weight}%`).join(', ')}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          {starting && (
            <StartDialog
              machine={name}
              versions={data.versions}
              aliases={data.aliases}
              onClose={() => setStarting(false)}
            />
          )}
        </>
      )}
    </section>
  );
}
