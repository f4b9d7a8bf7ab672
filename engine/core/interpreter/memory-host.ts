import { StatesError, StatesErrors } from '../errors';
import type { HistoryEvent } from '../../../schemas/history';
import { HistoryRecorder } from './history';
import type { Abandonment, InterpreterHost, TaskInvocation, TaskOutcome } from './types';

/** What a function run by the in-memory host may do besides returning: take virtual time, heartbeat. */
export interface MemoryFunctionContext extends TaskInvocation {
  /** Lets `ms` of virtual time pass (a slow function). */
  sleep(ms: number): Promise<void>;
  /** Resets the `HeartbeatSeconds` clock of this invocation. */
  heartbeat(): void;
}

/** A function as the in-memory host runs it. */
export type MemoryFunction = (payload: unknown, context: MemoryFunctionContext) => unknown | Promise<unknown>;

/** An invocation's timeouts (see MemoryHost `deadline`). */
interface Deadline {
  /** The function's `heartbeat`: restarts the `HeartbeatSeconds` clock. */
  heartbeat(): void;
  /** The function's run, failed with the timeout's error if one passes first. */
  race(run: Promise<unknown>): Promise<unknown>;
  /** Disarms the timers. */
  cancel(): void;
}

/** The `heartbeat` of an invocation without `HeartbeatSeconds`: there is no clock to reset. */
const noHeartbeat = (): void => undefined;

/** The identity: a `then` that passes the value on, one promise later. */
const sameValue = <T>(value: T): T => value;

/** Runs a function as an async call (what it throws becomes a rejection). */
async function callFunction(fn: MemoryFunction, payload: unknown, context: MemoryFunctionContext): Promise<unknown> {
  return fn(payload, context);
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * An in-memory host for the interpreter (unit tests, conformance, TestState, benchmarks):
 * functions from a map, a seeded pseudo-random source, and a virtual clock. A sleep resolves only
 * when everything else is idle and it is the earliest pending timer, so concurrent branches see
 * time pass in the right order; Task `TimeoutSeconds`/`HeartbeatSeconds` are enforced on it.
 */
export class MemoryHost implements InterpreterHost {
  /** The recorder the interpreter emits into (one execution per host). */
  readonly history: HistoryRecorder = new HistoryRecorder(() => this.clock);
  /** Every event written "durably" (before each Task and timer, and at each flush). */
  readonly written: HistoryEvent[] = [];
  /** How many times the interpreter asked for a flush (see MAX_PENDING_EVENTS). */
  flushes = 0;
  /** Every invocation, in order. */
  readonly invocations: TaskInvocation[] = [];
  /** The duration (ms) of every `sleep` the interpreter asked for, in order. */
  readonly sleeps: number[] = [];
  /** How many times the interpreter yielded (see SYNC_STEPS_BEFORE_YIELD). */
  yields = 0;
  /** Set (option `pacesActivations`): the execution paces its activations, as new Temporal executions do. */
  pacesActivations?: () => boolean;
  /** Most invocations running at once. */
  maxConcurrentInvocations = 0;
  private running = 0;
  private readonly yieldMs: number;
  private clock: number;
  private seed: number;
  private timers: Timer[] = [];
  private nextSeq = 0;
  private ticking = false;

  constructor(
    private readonly functions: Record<string, MemoryFunction>,
    /** `yieldMs`: virtual time a yield lets pass (a workflow task round trip; default 1). */
    options: { startTime?: number; seed?: number; yieldMs?: number; pacesActivations?: boolean } = {},
  ) {
    this.yieldMs = options.yieldMs ?? 1;
    if (options.pacesActivations) this.pacesActivations = () => true;
    this.clock = options.startTime ?? Date.UTC(2026, 0, 1);
    this.seed = options.seed ?? 42;
  }

  now(): number {
    return this.clock;
  }

  /** mulberry32: small, seeded, good enough for jitter and UUIDs in tests. */
  random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  async invokeTask(invocation: TaskInvocation): Promise<TaskOutcome> {
    this.invocations.push(invocation);
    if (!invocation.detached) this.write();
    const fn = this.functions[invocation.functionName];
    // Checked before counting: a function that does not exist never runs (and never ends).
    if (!fn)
      throw new StatesError('Lambda.ResourceNotFoundException', `Function not found: ${invocation.functionName}`);
    this.running++;
    this.maxConcurrentInvocations = Math.max(this.maxConcurrentInvocations, this.running);
    const startedAt = this.clock;
    const deadline =
      invocation.timeoutSeconds === undefined && invocation.heartbeatSeconds === undefined
        ? undefined
        : this.deadline(invocation);
    // Object.assign, not a spread: on V8 a spread copy that then gets members takes microseconds.
    const context = Object.assign({}, invocation) as MemoryFunctionContext;
    context.sleep = this.sleepFor;
    context.heartbeat = deadline ? deadline.heartbeat : noHeartbeat;
    const run = callFunction(fn, invocation.payload, context);
    try {
      // Without a deadline: the function's own outcome, one promise later, as a race gives it.
      return { result: await (deadline ? deadline.race(run) : run.then(sameValue)), startedAt };
    } catch (err) {
      if (err instanceof StatesError) throw err;
      const error = err instanceof Error ? err : new Error(String(err));
      throw new StatesError(error.name, JSON.stringify({ errorType: error.name, errorMessage: error.message }));
    } finally {
      deadline?.cancel();
      this.running--;
    }
  }

  /** A function's `sleep`: lets `ms` of virtual time pass (one closure per host, not per invocation). */
  private readonly sleepFor = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => void this.timer(ms, resolve));

  /**
   * The invocation's `TimeoutSeconds` and `HeartbeatSeconds` on the virtual clock, armed now (the
   * timeout first): `race` fails the function's run with `States.Timeout` or
   * `States.HeartbeatTimeout` when one passes first; `cancel` disarms both.
   */
  private deadline(invocation: TaskInvocation): Deadline {
    let failTimed: (err: StatesError) => void = () => undefined;
    const timedOut = new Promise<never>((_, reject) => (failTimed = reject));
    let cancelTimeout = (): void => undefined;
    let cancelHeartbeat = (): void => undefined;
    const heartbeat = (): void => {
      cancelHeartbeat();
      if (invocation.heartbeatSeconds === undefined) return;
      cancelHeartbeat = this.timer(invocation.heartbeatSeconds * 1000, () =>
        failTimed(new StatesError(StatesErrors.HeartbeatTimeout, '')),
      );
    };
    if (invocation.timeoutSeconds !== undefined) {
      cancelTimeout = this.timer(invocation.timeoutSeconds * 1000, () =>
        failTimed(new StatesError(StatesErrors.Timeout, '')),
      );
    }
    heartbeat();
    return {
      heartbeat,
      race: (run) => {
        // A function still running when its deadline passed is abandoned, as an activity would be.
        run.catch(() => undefined);
        return Promise.race([run, timedOut]);
      },
      cancel: () => {
        cancelTimeout();
        cancelHeartbeat();
      },
    };
  }

  /** Lets `yieldMs` of virtual time pass once everything else is idle, as a workflow task boundary does. */
  async yield(): Promise<void> {
    this.yields++;
    await new Promise<void>((resolve) => void this.timer(this.yieldMs, resolve));
  }

  /** Writes what the recorder holds, one by one (a spread of a huge batch would overflow the stack). */
  private write(): void {
    for (const event of this.history.takePending()) this.written.push(event);
  }

  async flush(): Promise<void> {
    this.flushes++;
    this.write();
  }

  async sleep(ms: number, _abandoned?: Abandonment, detached?: boolean): Promise<void> {
    if (!detached) this.write();
    this.sleeps.push(ms);
    await new Promise<void>((resolve) => void this.timer(ms, resolve));
  }

  /** Arms a virtual timer; returns its cancel function. */
  private timer(ms: number, fire: () => void): () => void {
    const entry: Timer = { at: this.clock + Math.max(0, ms), seq: this.nextSeq++, fire };
    this.timers.push(entry);
    this.schedule();
    return () => {
      this.timers = this.timers.filter((t) => t !== entry);
    };
  }

  /** Fires the earliest timer once every pending promise has settled (a macrotask later). */
  private schedule(): void {
    if (this.ticking) return;
    this.ticking = true;
    setImmediate(() => {
      this.ticking = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift() as Timer;
      this.clock = Math.max(this.clock, next.at);
      next.fire();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
