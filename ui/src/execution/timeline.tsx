/** Every event with its offset and duration (virtualized), and a Gantt of state runs, branches and iterations. */
import type { HistoryEvent } from '../api';
import { VirtualList } from '../virtual-list';
import { detailsOf, type HistoryModel } from './status';

const ROW = 26;

function stateName(event: HistoryEvent): string {
  const details = detailsOf(event);
  return typeof details?.name === 'string' ? details.name : '';
}

function ms(value: number | undefined): string {
  if (value === undefined) return '';
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(2)} s`;
}

export function Timeline({
  history,
  onSelect,
  live,
}: {
  history: HistoryModel;
  onSelect: (state: string) => void;
  live: boolean;
}) {
  const events = history.events;
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">
        Events <span class="muted">({events.length})</span>
      </h2>
      <div class="timeline-head" aria-hidden="true">
        <span>#</span>
        <span>at</span>
        <span>type</span>
        <span>state</span>
        <span>took</span>
      </div>
      <VirtualList
        id="timeline"
        label="History events"
        count={events.length}
        rowHeight={ROW}
        height={420}
        followEnd={live}
        onPick={(i) => {
          const name = stateName(events[i]) || ownerName(history, events[i]);
          if (name) onSelect(name);
        }}
        renderRow={(i) => {
          const event = events[i];
          const failed = /Failed|TimedOut|Aborted/.test(event.type);
          return (
            <div class={`timeline-row${failed ? ' failed' : ''}`} data-type={event.type}>
              <span>{event.id}</span>
              <span>+{ms(history.offsetMs(event))}</span>
              <span>{event.type}</span>
              <span>{stateName(event)}</span>
              <span>{ms(history.durationMs(event))}</span>
            </div>
          );
        }}
      />
    </section>
  );
}

function ownerName(history: HistoryModel, event: HistoryEvent): string {
  return history.entries.find((entry) => entry.events.includes(event))?.state ?? '';
}

/** One bar of the Gantt: a state run, labelled with its Map iteration when in one. */
export interface Bar {
  label: string;
  state: string;
  start: number;
  end: number;
  status: string;
  depth: number;
}

/** The Gantt's bars: every state run, in order of entry, ending at its exit (or now). */
export function bars(history: HistoryModel, now: number): Bar[] {
  const first = history.events[0];
  if (!first) return [];
  const origin = Date.parse(first.timestamp);
  const closedAt = history.closed ? Date.parse(history.closed.timestamp) : now;
  return history.entries.map((entry) => {
    const start = Date.parse(entry.entered.timestamp) - origin;
    const lastEvent = entry.exited ?? entry.events[entry.events.length - 1];
    const status = history.entryStatus(entry);
    const end = (status === 'running' ? closedAt : Date.parse(lastEvent.timestamp)) - origin;
    return {
      label: entry.iteration !== undefined ? `${entry.state} [${entry.iteration}]` : entry.state,
      state: entry.state,
      start,
      end: Math.max(end, start),
      status,
      depth: entry.iteration !== undefined ? 1 : 0,
    };
  });
}

export function Gantt({ history, onSelect }: { history: HistoryModel; onSelect: (state: string) => void }) {
  const rows = bars(history, Date.now());
  const total = Math.max(1, ...rows.map((row) => row.end));
  return (
    <section aria-labelledby="gantt-title">
      <h2 id="gantt-title">
        Gantt <span class="muted">(state runs, Parallel branches and Map iterations; total {ms(total)})</span>
      </h2>
      <VirtualList
        id="gantt"
        label="State runs over time"
        count={rows.length}
        rowHeight={ROW}
        height={420}
        onPick={(i) => onSelect(rows[i].state)}
        renderRow={(i) => {
          const row = rows[i];
          const left = (row.start / total) * 100;
          const width = Math.max(0.3, ((row.end - row.start) / total) * 100);
          return (
            <div class="gantt-row">
              <span class="gantt-label" style={{ paddingLeft: `${row.depth * 12}px` }}>
                {row.label}
              </span>
              <span class="gantt-track">
                <span
                  class={`gantt-bar status-${row.status}`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                  title={`${row.label}: ${ms(row.end - row.start)} (${row.status})`}
                />
              </span>
              <span class="gantt-time">{ms(row.end - row.start)}</span>
            </div>
          );
        }}
      />
    </section>
  );
}
