/**
 * What a history says about each state: its entries (one per time it ran), each with its events,
 * attempts and outcome; and the status the graph shows. Pure and incremental: events are added
 * as pages and the live stream bring them, in any order of arrival but each once.
 */
import type { HistoryEvent } from '../history-event';

export type StateStatus = 'not-run' | 'running' | 'succeeded' | 'failed' | 'caught' | 'aborted';

const ABORTED = /^(\w+)StateAborted$/;
const GROUP_END = /^(Parallel|Map)State(Succeeded|Failed)$/;
const ITERATION_END = /^MapIteration(Succeeded|Failed|Aborted)$/;

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
  /** The `…StateAborted` event that ended it when a sibling branch failed. */
  aborted?: HistoryEvent;
  /** The Parallel branch or Map iteration the entry ran in (undefined at the top level). */
  lane?: Lane;
  /** A Parallel's branches or a Map's iterations, in the order they started. */
  lanes: Lane[];
}

/**
 * One Parallel branch or Map iteration of one run of a Parallel or Map state: where its events
 * begin and end, and the state runs in it. Found along `previousEventId`: a branch begins with
 * the first `…StateEntered` chained to `ParallelStateStarted`, an iteration with its
 * `MapIterationStarted`.
 */
export interface Lane {
  kind: 'branch' | 'iteration';
  /** Branch index (in the order they started) or Map item index. */
  index: number;
  /** The Parallel or Map run it belongs to. */
  parent: StateEntry;
  first: HistoryEvent;
  /** The latest event in it (nested lanes included). */
  last: HistoryEvent;
  /** `MapIterationSucceeded`/`Failed`/`Aborted`. */
  end?: HistoryEvent;
  /** The state runs in it, in the order they were entered. */
  entries: StateEntry[];
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
  /** The branch or iteration each event happened in (by event id). */
  private readonly laneOf = new Map<number, Lane>();
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
    this.laneOf.clear();
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
        lanes: [],
      };
      entry.lane = this.enteredLane(event);
      entry.lane?.entries.push(entry);
      this.entries.push(entry);
      const list = this.open.get(details.name) ?? [];
      list.push(entry);
      this.open.set(details.name, list);
      this.ownerOf.set(event.id, entry);
      this.inLane(event, entry.lane);
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
        this.inLane(event, entry.lane);
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
    if (event.type === 'MapIterationStarted' && typeof details?.index === 'number') {
      const map = this.openGroup('Map', this.ownerOf.get(event.previousEventId), details.name);
      if (!map) return;
      const lane: Lane = {
        kind: 'iteration',
        index: details.index,
        parent: map,
        first: event,
        last: event,
        entries: [],
      };
      map.lanes.push(lane);
      this.inLane(event, lane);
      return;
    }
    if (ITERATION_END.test(event.type) && typeof details?.index === 'number') {
      // A failure aborts the other iterations with events chained to the failing one: find the
      // Map from there, then the iteration by its index.
      const from = this.laneOf.get(event.previousEventId)?.parent ?? this.ownerOf.get(event.previousEventId);
      const map = this.openGroup('Map', from, details.name) ?? this.openGroup('Map', from?.lane?.parent, details.name);
      const lane = map?.lanes.filter((l) => l.index === details.index).pop();
      if (!lane) return;
      lane.end = event;
      this.inLane(event, lane);
      return;
    }
    const group = GROUP_END.exec(event.type);
    if (group) {
      // Chained to the last event of a branch: it belongs to the Parallel or Map itself.
      const lane = this.laneOf.get(event.previousEventId);
      const parent = this.openGroup(group[1], lane?.parent ?? this.ownerOf.get(event.previousEventId));
      if (parent) {
        this.ownerOf.set(event.id, parent);
        parent.events.push(event);
        this.inLane(event, parent.lane);
        if (group[2] === 'Failed') {
          // The Parallel or Map fails with the error of the branch that failed it.
          const cause = this.ownerOf.get(event.previousEventId)?.error;
          parent.error = { error: cause?.error, cause: cause?.cause, event };
        }
        return;
      }
    }
    const aborted = ABORTED.exec(event.type);
    if (aborted) {
      const entry = this.abortedEntry(aborted[1]);
      if (entry) {
        entry.aborted = event;
        entry.events.push(event);
        this.ownerOf.set(event.id, entry);
        this.inLane(event, entry.lane);
        return;
      }
    }
    const owner = this.ownerOf.get(event.previousEventId);
    if (!owner) return;
    this.ownerOf.set(event.id, owner);
    owner.events.push(event);
    this.inLane(event, this.laneOf.get(event.previousEventId));
    if (SCHEDULED.test(event.type)) owner.attempts++;
    if (FAILURE.test(event.type) && !/^MapIteration/.test(event.type)) {
      owner.error = { error: details?.error as string | undefined, cause: details?.cause as string | undefined, event };
    }
  }

  /** The lane a state entered in: a new branch when chained to `ParallelStateStarted`, else the one before. */
  private enteredLane(event: HistoryEvent): Lane | undefined {
    const previous = this.byId.get(event.previousEventId);
    if (previous?.type === 'ParallelStateStarted') {
      const parallel = this.ownerOf.get(previous.id);
      if (parallel) {
        const lane: Lane = {
          kind: 'branch',
          index: parallel.lanes.filter((l) => l.first.previousEventId === previous.id).length,
          parent: parallel,
          first: event,
          last: event,
          entries: [],
        };
        parallel.lanes.push(lane);
        return lane;
      }
    }
    return this.laneOf.get(event.previousEventId);
  }

  /** Records that `event` happened in `lane` (and so in the lanes around it). */
  private inLane(event: HistoryEvent, lane: Lane | undefined): void {
    if (!lane) return;
    this.laneOf.set(event.id, lane);
    for (let l: Lane | undefined = lane; l; l = l.parent.lane) l.last = event;
  }

  /** The open Parallel/Map run (named `name` when given) at `from` or around it. */
  private openGroup(kind: string, from: StateEntry | undefined, name?: unknown): StateEntry | undefined {
    for (let entry = from; entry; entry = entry.lane?.parent) {
      if (entry.type === kind && !entry.exited && (name === undefined || entry.state === name)) return entry;
    }
    return undefined;
  }

  /**
   * The run a `…StateAborted` event ends (the event names no state): the open run of that type
   * not yet aborted, in the lowest branch or iteration (siblings are aborted in index order).
   */
  private abortedEntry(type: string): StateEntry | undefined {
    let best: StateEntry | undefined;
    for (const list of this.open.values()) {
      for (const entry of list) {
        if (entry.type !== type || entry.aborted || entry.error) continue;
        if (!best || (entry.lane?.index ?? 0) < (best.lane?.index ?? 0)) best = entry;
      }
    }
    return best;
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
    if (entry.aborted && !entry.error && !entry.exited) return 'aborted';
    const lastFailed = entry.error !== undefined && entry.events[entry.events.length - 2] === entry.error.event;
    if (entry.exited) return entry.error && lastFailed ? 'caught' : 'succeeded';
    if (entry.error && this.errorEnded(entry)) return 'failed';
    if (!this.closed) return 'running';
    return this.closed.type === 'ExecutionAborted' || this.closed.type === 'ExecutionTimedOut' ? 'aborted' : 'failed';
  }

  /**
   * A branch's or iteration's status: an iteration's from its end event; otherwise the worst of
   * its state runs (running while one runs).
   */
  laneStatus(lane: Lane): StateStatus {
    if (lane.end) {
      const ended = ITERATION_END.exec(lane.end.type)?.[1];
      return ended === 'Succeeded' ? 'succeeded' : ended === 'Failed' ? 'failed' : 'aborted';
    }
    const statuses = lane.entries.map((entry) => this.entryStatus(entry));
    for (const status of ['running', 'failed', 'aborted'] as const) if (statuses.includes(status)) return status;
    return statuses.length > 0 ? 'succeeded' : 'not-run';
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
