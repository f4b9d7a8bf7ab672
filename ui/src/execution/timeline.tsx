/** Every event with its offset and duration (virtualized), and a Gantt of state runs, branches and iterations. */
import type { HistoryEvent } from '../api';
import { VirtualList } from '../virtual-list';
import { bars } from './gantt-bars';
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
            <div class={`gantt-row gantt-${row.kind}`} data-label={row.label} data-status={row.status}>
              <span class="gantt-label" style={{ paddingLeft: `${row.depth * 10}px` }}>
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
