/**
 * What a history says about each state: its entries (one per time it ran), each with its events,
 * attempts and outcome; and the status the graph shows. Pure and incremental: events are added
 * as pages and the live stream bring them, in any order of arrival but each once.
 */
import type { HistoryEvent } from '../history-event';

export type StateStatus = 'not-run' | 'running' | 'succeeded' | 'failed' | 'caught' | 'aborted';

/** One run of one state: from its `…StateEntered` to its `…StateExited` (or the failure that ended it). */
export interface StateEntry {
  state: string;
  type: string;
  entered: HistoryEvent;
  exited?: HistoryEvent;
  /** Every event that belongs to this entry (scheduled, started, failed, retries…), ids ascending. */
  events: HistoryEvent[];
  /** The Map iteration the entry ran in, when inside a Map. */
  iteration?: number;
  /** Activity / function attempts (a `…Scheduled` event each). */
  attempts: number;
  /** The last error event of the entry, if any. */
  error?: { error?: string; cause?: string; event: HistoryEvent };
}

/** The status of a state in the graph: the status of its latest entry, and the retries it needed. */
export interface StateView {
  status: StateStatus;
  entries: StateEntry[];
  retries: number;
}

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
const FAILURE = /(Failed|TimedOut|Aborted)$/;
const CLOSED = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/;
const SCHEDULED = /(Scheduled|TaskScheduled)$/;

/** The `…EventDetails` member of an event (each event has at most one). */
export function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null)
      return value as Record<string, unknown>;
  }
  return undefined;
}

/** The history model of one execution, built up event by event. */
export class HistoryModel {
  readonly events: HistoryEvent[] = [];
  private readonly byId = new Map<number, HistoryEvent>();
  /** The entry each event belongs to (by event id). */
  private readonly ownerOf = new Map<number, StateEntry>();
  /** Map iteration index of an event (by event id), inherited along `previousEventId`. */
  private readonly iterationOf = new Map<number, number>();
  readonly entries: StateEntry[] = [];
  private readonly open = new Map<string, StateEntry[]>();
  closed?: HistoryEvent;
  /** Incremented on every change: views re-render when it moves. */
  revision = 0;

  /** Adds events (a page or a streamed event); events already known are ignored. Sorted by id. */
  add(events: HistoryEvent[]): void {
    const fresh = events.filter((event) => !this.byId.has(event.id)).sort((a, b) => a.id - b.id);
    if (fresh.length === 0) return;
    const appendOnly = this.events.length === 0 || fresh[0].id > this.events[this.events.length - 1].id;
    for (const event of fresh) this.byId.set(event.id, event);
    if (appendOnly) {
      for (const event of fresh) {
        this.events.push(event);
        this.apply(event);
      }
    } else {
      // Out of order (an older page after newer events): rebuild from the sorted list.
      this.events.push(...fresh);
      this.events.sort((a, b) => a.id - b.id);
      this.rebuild();
    }
    this.revision++;
  }

  private rebuild(): void {
    this.ownerOf.clear();
    this.iterationOf.clear();
    this.entries.length = 0;
    this.open.clear();
    this.closed = undefined;
    for (const event of this.events) this.apply(event);
  }

  private apply(event: HistoryEvent): void {
    const details = detailsOf(event);
    const iterationParent = this.iterationOf.get(event.previousEventId);
    if (event.type === 'MapIterationStarted' && typeof details?.index === 'number')
      this.iterationOf.set(event.id, details.index);
    else if (iterationParent !== undefined) this.iterationOf.set(event.id, iterationParent);

    const entered = ENTERED.exec(event.type);
    if (entered && typeof details?.name === 'string') {
      const entry: StateEntry = {
        state: details.name,
        type: entered[1],
        entered: event,
        events: [event],
        attempts: 0,
        iteration: this.iterationOf.get(event.id),
      };
      this.entries.push(entry);
      const list = this.open.get(details.name) ?? [];
      list.push(entry);
      this.open.set(details.name, list);
      this.ownerOf.set(event.id, entry);
      return;
    }
    const exited = EXITED.exec(event.type);
    if (exited && typeof details?.name === 'string') {
      const list = this.open.get(details.name) ?? [];
      // The entry this exit chains to (inside a Map, several entries of a state are open at once).
      const chained = this.ownerOf.get(event.previousEventId);
      const entry = chained && chained.state === details.name && list.includes(chained) ? chained : list[0];
      if (entry) {
        entry.exited = event;
        entry.events.push(event);
        list.splice(list.indexOf(entry), 1);
        this.ownerOf.set(event.id, entry);
      }
      return;
    }
    if (CLOSED.test(event.type)) {
      this.closed = event;
      return;
    }
    if (event.type === 'ExecutionRedriven' || event.type === 'ExecutionStarted') {
      if (event.type === 'ExecutionRedriven') this.closed = undefined;
      return;
    }
    const owner = this.ownerOf.get(event.previousEventId);
    if (!owner) return;
    this.ownerOf.set(event.id, owner);
    owner.events.push(event);
    if (SCHEDULED.test(event.type)) owner.attempts++;
    if (FAILURE.test(event.type) && !/^MapIteration/.test(event.type)) {
      owner.error = { error: details?.error as string | undefined, cause: details?.cause as string | undefined, event };
    }
  }

  /** The view of every state that ran, by state name. */
  states(): Map<string, StateView> {
    const views = new Map<string, StateView>();
    for (const entry of this.entries) {
      const view = views.get(entry.state) ?? { status: 'not-run' as StateStatus, entries: [], retries: 0 };
      view.entries.push(entry);
      view.retries += Math.max(0, entry.attempts - 1);
      views.set(entry.state, view);
    }
    for (const view of views.values()) view.status = this.statusOf(view.entries);
    return views;
  }

  /** A state's status from its entries: the worst of its latest round (a Map runs one entry per item). */
  private statusOf(entries: StateEntry[]): StateStatus {
    const statuses = entries.map((entry) => this.entryStatus(entry));
    if (statuses.includes('running')) return 'running';
    if (statuses[statuses.length - 1] === 'succeeded' || statuses[statuses.length - 1] === 'caught') {
      // Redriven: an earlier failed entry that later succeeded counts as succeeded.
      return statuses.includes('caught') ? 'caught' : 'succeeded';
    }
    if (statuses.includes('failed')) return 'failed';
    if (statuses.includes('aborted')) return 'aborted';
    return statuses[statuses.length - 1] ?? 'not-run';
  }

  /** One entry's status: exited (succeeded, or caught when its last attempt failed), or still open. */
  entryStatus(entry: StateEntry): StateStatus {
    const lastFailed = entry.error !== undefined && entry.events[entry.events.length - 2] === entry.error.event;
    if (entry.exited) return entry.error && lastFailed ? 'caught' : 'succeeded';
    if (entry.error && this.errorEnded(entry)) return 'failed';
    if (!this.closed) return 'running';
    return this.closed.type === 'ExecutionAborted' || this.closed.type === 'ExecutionTimedOut' ? 'aborted' : 'failed';
  }

  /** True when nothing followed the entry's last error in it (no retry scheduled after it). */
  private errorEnded(entry: StateEntry): boolean {
    return entry.events[entry.events.length - 1] === entry.error?.event && this.closed !== undefined;
  }

  /**
   * Transitions taken, as `from→to` state names (and `from#join→to` for a Parallel or Map,
   * whose transitions leave from its join in the graph): an entry whose `…StateEntered`
   * follows another state's `…StateExited`.
   */
  taken(): Set<string> {
    const taken = new Set<string>();
    for (const entry of this.entries) {
      const before = this.byId.get(entry.entered.previousEventId);
      const from = before ? this.ownerOf.get(before.id) : undefined;
      if (!from || from.exited !== before) continue;
      taken.add(`${from.state}→${entry.state}`);
      taken.add(`${from.state}#join→${entry.state}`);
    }
    return taken;
  }

  /** The event with that id, if loaded. */
  event(id: number): HistoryEvent | undefined {
    return this.byId.get(id);
  }

  /** Milliseconds from the execution's first event to `event`. */
  offsetMs(event: HistoryEvent): number {
    const first = this.events[0];
    return first ? Date.parse(event.timestamp) - Date.parse(first.timestamp) : 0;
  }

  /** How long an event took: from the event it follows (`previousEventId`) to it. */
  durationMs(event: HistoryEvent): number | undefined {
    const previous = this.byId.get(event.previousEventId);
    return previous ? Date.parse(event.timestamp) - Date.parse(previous.timestamp) : undefined;
  }
}

/** A JSON text from history as a value (history carries inputs and outputs as JSON text). */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
