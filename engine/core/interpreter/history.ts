import type { EventBody, HistoryEvent, RecordedEvent } from '../../../schemas/history';

/**
 * Texts at least this long are remembered by payload object (TEXTS). A shorter text is made
 * again when asked for, which costs less than a WeakMap entry: a WeakMap lookup is cheap only for
 * an object that was never a key, and every entry is work for the garbage collector.
 */
const REMEMBERED_TEXT_LENGTH = 1024;

/**
 * Texts of the large payloads already serialised: a state's output is usually the next state's
 * input (and often its own input), and the interpreter never changes a value once it is built
 * (ResultPath builds a new one), so each large payload object is serialised once.
 */
const TEXTS = new WeakMap<object, string>();

/** The last payload serialised and its text: the same payload is usually asked for several times in a row. */
let lastPayload: object | undefined;
let lastPayloadText = '';

/** Serialises a payload as Step Functions does in history details (JSON text). */
export function payloadText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value === undefined ? null : value);
  if (value === lastPayload) return lastPayloadText;
  let text = TEXTS.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    if (text.length >= REMEMBERED_TEXT_LENGTH) TEXTS.set(value, text);
  }
  lastPayload = value;
  lastPayloadText = text;
  return text;
}

/**
 * The `inputDetails`/`outputDetails` of every payload the interpreter records (it never truncates
 * one): one object shared by every event, frozen since no event may change it. Most events live
 * until their execution ends, and a fresh object per event was a sixth of what each one kept.
 */
export const NOT_TRUNCATED: Readonly<{ truncated: false }> = Object.freeze({ truncated: false });

/** The last ISO text made, by any recorder: an execution starts in the millisecond the last one ended. */
let lastIsoMs = NaN;
let lastIsoText = '';

/** ISO-8601 text of epoch ms (a RangeError for a time that is not one, as `toISOString` throws). */
function isoText(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIsoText = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIsoText;
}

/**
 * `{ id, previousEventId, timestamp, ...body }`, as one literal when the body is `{ type }` or
 * `{ type, <details> }` (what every emitter passes). On V8 the spread keeps the members it copies
 * outside the event, in an array of their own: a second object for every event, which lives until
 * the execution ends and which each garbage collection copies. Any other body is spread.
 */
function eventOf(id: number, previousEventId: number, timestamp: string, body: EventBody): RecordedEvent {
  let count = 0;
  let first: string | undefined;
  let details: string | undefined;
  for (const key in body) {
    if (count++ === 0) first = key;
    else details = key;
  }
  if (first !== 'type' || count > 2) return { id, previousEventId, timestamp, ...body };
  const { type } = body;
  if (details === undefined) return { id, previousEventId, timestamp, type } as RecordedEvent;
  return { id, previousEventId, timestamp, type, [details]: body[details as keyof EventBody] } as RecordedEvent;
}

/**
 * Assigns ids to history events in emission order (deterministic under replay) and keeps the
 * ones the host has not yet written durably. The host owns it (`InterpreterHost.history`): the
 * interpreter only emits; the host takes what it holds when it writes.
 */
export class HistoryRecorder {
  private nextId = 1;
  private pending: HistoryEvent[] = [];
  private closed = false;

  private isoAt = NaN;
  private isoText = '';

  /**
   * @param now the host's clock
   * @param observe sees each event as it is emitted (the workflow's state spans); it must not
   *   change the event
   */
  constructor(
    private readonly now: () => number,
    private readonly observe?: (event: Readonly<HistoryEvent>) => void,
  ) {}

  /** ISO-8601 text of epoch ms, reusing the last one when the millisecond is the same (a hot path). */
  iso(ms: number): string {
    if (ms !== this.isoAt) {
      this.isoAt = ms;
      this.isoText = isoText(ms);
    }
    return this.isoText;
  }

  /** Continues an existing history (a redrive): the next event gets id `lastEventId + 1`. */
  continueAfter(lastEventId: number): void {
    this.nextId = lastEventId + 1;
  }

  /** Records one event after event `previousEventId`. Returns its id. */
  emit(previousEventId: number, body: EventBody): number {
    const event = eventOf(this.nextId++, previousEventId, this.iso(this.now()), body);
    if (!this.closed) this.pending.push(event);
    this.observe?.(event);
    return event.id;
  }

  /**
   * Closes the history (the execution was stopped: `ExecutionAborted` is its last event): what
   * is emitted afterwards gets ids but is never handed to the host.
   */
  close(): void {
    this.closed = true;
    this.pending = [];
  }

  /** False for a history Stepflow does not keep (see DiscardingRecorder): the host writes nothing of it. */
  get keeps(): boolean {
    return true;
  }

  /** Records an event with an explicit timestamp (e.g. `TaskStarted`, known only afterwards). */
  emitAt(at: number, previousEventId: number, body: EventBody): number {
    const id = this.emit(previousEventId, body);
    if (!this.closed) this.pending[this.pending.length - 1].timestamp = this.iso(at);
    return id;
  }

  /** The events not yet handed to the host; the host takes ownership of them. */
  takePending(): HistoryEvent[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /**
   * Gives back events the host took but could not write (an invocation that never reached a
   * worker): they go out with the next write, so the history has no gap.
   */
  restore(events: HistoryEvent[]): void {
    this.pending.unshift(...events);
  }

  /** The events waiting to be handed to the host, left in place (the host sizes a write). */
  peekPending(): readonly HistoryEvent[] {
    return this.pending;
  }

  /** How many events wait to be handed to the host. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Id the next event will get. */
  get lastId(): number {
    return this.nextId - 1;
  }
}

/**
 * A recorder for a history Stepflow does not keep (a Distributed Map child execution): ids are
 * assigned as in a real history (so causes cite the right event), the events are dropped.
 */
export class DiscardingRecorder extends HistoryRecorder {
  override get keeps(): boolean {
    return false;
  }

  override takePending(): HistoryEvent[] {
    super.takePending();
    return [];
  }
}
