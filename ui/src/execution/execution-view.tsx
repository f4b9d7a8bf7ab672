/**
 * One execution: the graph with each state's status (live from the history stream), a state
 * inspector, the timeline and Gantt, the Map runs, and the actions (stop, redrive, copy).
 * History is read in keyset pages of 1,000 events, then followed live while the execution runs.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, seg, sfnAction, type Execution, type ExecutionStatus, type HistoryEvent } from '../api';
import { CopyMenu } from '../actions/copy-menu';
import { GraphView } from '../graph/graph-view';
import { buildGraph } from '../graph/model';
import { followHistory } from './history-stream';
import { Inspector } from './inspector';
import { MapRunParent, MapRuns } from './map-runs';
import { RedriveDialog } from './redrive-dialog';
import { HistoryModel } from './status';
import { Gantt, Timeline } from './timeline';

/** Pause before following again a stream that ended while the execution still runs. */
const REFOLLOW_MS = 300;

/** The execution status a closing history event means. */
const CLOSED_STATUS: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** Events per history page (the API's most). */
const PAGE = 1000;

type Tab = 'graph' | 'timeline' | 'gantt' | 'maps';
const TABS: [Tab, string][] = [
  ['graph', 'Graph'],
  ['timeline', 'Timeline'],
  ['gantt', 'Gantt'],
  ['maps', 'Map runs'],
];

/** Every state of a definition by name (nested branches and processors included). */
function indexStates(definition: unknown, into = new Map<string, Record<string, unknown>>()) {
  const states = (definition as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {};
  for (const [name, state] of Object.entries(states)) {
    into.set(name, state);
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) indexStates(branch, into);
    if (state.ItemProcessor ?? state.Iterator) indexStates(state.ItemProcessor ?? state.Iterator, into);
  }
  return into;
}

export function ExecutionView({ executionId }: { executionId: string }) {
  const [execution, setExecution] = useState<Execution>();
  const [definition, setDefinition] = useState<unknown>();
  const [error, setError] = useState<string>();
  const history = useRef(new HistoryModel()).current;
  const [revision, setRevision] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState(false);
  const [follow, setFollow] = useState(0);
  const [selected, setSelected] = useState<string>();
  const [tab, setTab] = useState<Tab>('graph');
  const [redriving, setRedriving] = useState(false);
  const [notice, setNotice] = useState<string>();

  // Renders at most once a frame however fast events arrive.
  const frame = useRef(0);
  const changed = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setRevision(history.revision);
    });
  };

  const describe = async (signal?: AbortSignal) => {
    const found = await api<Execution>('GET', `/v1/executions/${seg(executionId)}`, undefined, signal);
    setExecution(found);
    return found;
  };

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      const found = await describe(signal);
      const machine = await sfnAction<{ definition: string }>(
        'DescribeStateMachineForExecution',
        { executionArn: found.executionArn },
        signal,
      );
      setDefinition(JSON.parse(machine.definition));
      let next: string | undefined;
      do {
        const page: { events: HistoryEvent[]; next?: string } = await api(
          'GET',
          `/v1/executions/${seg(executionId)}/history?limit=${PAGE}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
          undefined,
          signal,
        );
        history.add(page.events);
        changed();
        next = page.next;
      } while (next && !signal.aborted);
      setLoaded(true);
    })().catch((err: unknown) => {
      if (!signal.aborted) setError(err instanceof ApiFailure ? err.message : String(err));
    });
    return () => controller.abort();
  }, [executionId]);

  // Live updates while it runs (again after a redrive): the stream resumes after the last event.
  // A stream opened just before a redrive's first event ends at once (it saw the old closing
  // event): as long as the execution says RUNNING, follow again.
  useEffect(() => {
    if (!loaded || (execution?.status !== 'RUNNING' && follow === 0)) return;
    const controller = new AbortController();
    const { signal } = controller;
    setLive(true);
    (async () => {
      for (;;) {
        const last = history.events[history.events.length - 1]?.id ?? 0;
        await followHistory(
          executionId,
          last,
          (events) => {
            history.add(events);
            changed();
          },
          signal,
        );
        if (signal.aborted) return;
        const now = await describe(signal);
        if (now.status !== 'RUNNING') return;
        await new Promise((resolve) => setTimeout(resolve, REFOLLOW_MS));
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        if (!signal.aborted) setLive(false);
      });
    return () => controller.abort();
  }, [loaded, follow, executionId]);

  const model = useMemo(() => buildGraph(definition), [definition]);
  const states = useMemo(() => history.states(), [revision]);
  const taken = useMemo(() => history.taken(), [revision]);
  const stateIndex = useMemo(() => indexStates(definition), [definition]);
  const definitionOf = (state: string) => stateIndex.get(state);

  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!execution) return <p>Loading…</p>;
  // The history is the freshest word: its closing event, else RUNNING while the stream is live.
  const status = history.closed ? CLOSED_STATUS[history.closed.type] : live ? 'RUNNING' : execution.status;
  const stoppable = status === 'RUNNING';
  const redrivable = ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(status) && !live;
  return (
    <section
      aria-labelledby="execution-title"
      class="execution"
      data-history-loaded={loaded ? String(history.events.length) : undefined}
      data-live={live ? 'true' : 'false'}
    >
      <h1 id="execution-title">
        {execution.name}{' '}
        <span class={`badge badge-${status.toLowerCase()}`} data-testid="execution-status">
          {status}
        </span>
      </h1>
      <p class="facts">
        <a href={`#/machines/${encodeURIComponent(execution.stateMachine)}`}>{execution.stateMachine}</a> · revision{' '}
        {execution.version}
        {execution.stateMachineVersion ? ` · version ${execution.stateMachineVersion}` : ''}
        {execution.stateMachineAlias ? ` · alias ${execution.stateMachineAlias}` : ''} · started{' '}
        {new Date(execution.startDate).toLocaleString()}
        {execution.redriveCount > 0 ? ` · redriven ${execution.redriveCount}×` : ''}
        {execution.mapRunArn && (
          <>
            {' · '}
            <MapRunParent mapRunArn={execution.mapRunArn} />
          </>
        )}
        {live ? ' · live' : ''}
      </p>
      {execution.error && status !== 'RUNNING' && (
        <p class="error">
          {execution.error}
          {execution.cause ? `: ${execution.cause}` : ''}
        </p>
      )}
      <div class="toolbar">
        {stoppable && (
          <button
            type="button"
            onClick={() =>
              api('POST', `/v1/executions/${seg(executionId)}/stop`, {}).then(
                () => void describe(),
                (err: unknown) => setNotice(`Not stopped: ${String(err)}`),
              )
            }
          >
            Stop
          </button>
        )}
        {redrivable && (
          <button type="button" onClick={() => setRedriving(true)}>
            Redrive…
          </button>
        )}
        <CopyMenu
          label={stoppable ? 'Copy stop' : 'Copy redrive'}
          action={{ kind: stoppable ? 'stop' : 'redrive', executionArn: execution.executionArn, executionId }}
        />
      </div>
      {notice && <p role="status">{notice}</p>}
      <div class="tabs" role="group" aria-label="Views">
        {TABS.map(([key, label]) => (
          <button type="button" key={key} aria-pressed={tab === key} onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      <div class="execution-body">
        <div class="execution-main">
          {tab === 'graph' && (
            <GraphView
              model={model}
              states={states}
              taken={taken}
              selected={selected}
              onSelect={setSelected}
              label={`Graph of ${execution.name}: select a state to inspect it`}
            />
          )}
          {tab === 'timeline' && <Timeline history={history} onSelect={setSelected} live={live} />}
          {tab === 'gantt' && <Gantt history={history} onSelect={setSelected} />}
          {tab === 'maps' && <MapRuns history={history} definitionOf={definitionOf} />}
        </div>
        {selected && (
          <Inspector
            key={`${selected}`}
            state={selected}
            view={states.get(selected)}
            history={history}
            definitionOf={definitionOf}
            facts={execution}
            topLanguage={
              (definition as { QueryLanguage?: string } | undefined)?.QueryLanguage === 'JSONata'
                ? 'JSONata'
                : 'JSONPath'
            }
          />
        )}
      </div>
      {redriving && (
        <RedriveDialog
          history={history}
          executionId={executionId}
          onClose={() => setRedriving(false)}
          onRedriven={() => {
            setRedriving(false);
            void describe();
            setFollow((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
