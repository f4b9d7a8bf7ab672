import { StatesError, StatesErrors } from '../errors';
import type { InterpreterHost } from './types';

/**
 * States run back to back without the host waiting on anything (Pass, Choice, … or Tasks whose
 * results are already there) before the interpreter yields to the host (`host.yield`). Under
 * Temporal nothing else — a timer such as the execution's `TimeoutSeconds`, a stop signal — is
 * seen until the workflow task ends, and the workflow clock does not move within it; a tight
 * Pass/Choice loop would otherwise run (and write events) for as long as Temporal lets a task run.
 * High enough that ordinary machines never yield.
 */
export const SYNC_STEPS_BEFORE_YIELD = 1000;

/**
 * Branches (Parallel branches, Map iterations, at every nesting level) one execution runs at once,
 * whatever `MaxConcurrency` says: each may hold one pending activity, child workflow or callback,
 * and Temporal refuses a workflow more than 2,000 pending activities (or child workflows). A
 * Parallel or Map started when the budget is spent still gets one lane, so nested ones progress.
 */
export const MAX_CONCURRENT_BRANCHES = 1000;

/**
 * Items one inline Map iterates over. A Map over more fails with `States.Runtime` before any
 * iteration starts (a Distributed Map is the way to process more).
 */
export const MAX_INLINE_MAP_ITEMS = 40_000;

/**
 * The deployment's default cap on the history events of one execution
 * (`STEPFLOW_MAX_HISTORY_EVENTS`); a state machine may lower it with its top-level
 * `MaxHistoryEvents` (Stepflow extension). 0 means no cap. Step Functions stops at 25,000 events;
 * Stepflow's default only stops a runaway loop.
 */
export const DEFAULT_MAX_HISTORY_EVENTS = 1_000_000;

/** What bounds one execution, decided when it starts. */
export interface ExecutionLimits {
  /** Cap on the history events of the execution (0 or absent: none). */
  maxHistoryEvents?: number;
}

/**
 * The cap that applies to an execution: the smaller of the deployment's and the state machine's
 * `MaxHistoryEvents`, where 0 or absent means "no cap" (so a state machine can lower the
 * deployment's cap, never lift it).
 */
export function effectiveHistoryCap(deployment: number | undefined, machine: number | undefined): number {
  const caps = [deployment, machine].filter((cap): cap is number => cap !== undefined && cap > 0);
  return caps.length === 0 ? 0 : Math.min(...caps);
}

/** The `States.Runtime` error an execution fails with when its history passes its cap. */
export function historyCapError(cap: number): StatesError {
  return new StatesError(
    StatesErrors.Runtime,
    `The execution exceeded its limit of ${cap} history events (MaxHistoryEvents / STEPFLOW_MAX_HISTORY_EVENTS)`,
  );
}

/**
 * The `States.Runtime` error an execution fails with when its Temporal history is about to reach
 * Temporal's limits while a branch runs (where it cannot continue as new): better a clear failure
 * than a workflow Temporal refuses or terminates.
 */
export function historyExhaustedError(): StatesError {
  return new StatesError(
    StatesErrors.Runtime,
    "The execution's Temporal history is about to reach Temporal's limits inside a Parallel or Map state " +
      '(too many iterations, Tasks or retries in its branches); use a Distributed Map or fewer items per Map',
  );
}

/** The `States.Runtime` error a Map over too many items fails with. */
export function mapItemsError(count: number): StatesError {
  return new StatesError(
    StatesErrors.Runtime,
    `The Map state has ${count} items; an inline Map iterates over at most ${MAX_INLINE_MAP_ITEMS} (use a Distributed Map)`,
  );
}

/**
 * The per-execution bounds the interpreter enforces as it goes: the yield cadence of synchronous
 * states, the branch budget, and the history cap. Shared by every scope of one execution.
 */
export class ExecutionBounds {
  private steps = 0;
  private gate?: Promise<void>;
  private branches = MAX_CONCURRENT_BRANCHES;
  /** Set once the history passed its cap; the execution then fails (see runExecution). */
  capExceeded = false;
  /** The error the execution fails with once `capExceeded`. */
  capError?: StatesError;
  private onCapExceeded: (() => void) | undefined;

  constructor(
    private readonly host: InterpreterHost,
    readonly maxHistoryEvents = 0,
  ) {}

  /** Called when the history passes the cap (once). */
  whenCapExceeded(listener: () => void): void {
    this.onCapExceeded = listener;
  }

  /** The host is about to wait on Temporal (a Task, a timer): that is a yield already. */
  waited(): void {
    this.steps = 0;
  }

  /**
   * Before each state: checks the history cap (`lastEventId` so far), and every
   * SYNC_STEPS_BEFORE_YIELD states yields to the host; while a yield is pending every branch
   * waits for it, so the workflow task really ends.
   */
  step(lastEventId: number): Promise<void> | undefined {
    if (this.maxHistoryEvents > 0 && lastEventId >= this.maxHistoryEvents && !this.capExceeded) {
      this.capExceeded = true;
      this.capError = historyCapError(this.maxHistoryEvents);
      this.onCapExceeded?.();
    }
    if (!this.capExceeded && this.host.historyExhausted?.()) {
      this.capExceeded = true;
      this.capError = historyExhaustedError();
      this.onCapExceeded?.();
    }
    // Synchronous unless it yields: an extra await would reorder concurrent branches (and so
    // the events and commands of executions recorded before).
    if (this.gate) return this.gate;
    if (++this.steps < SYNC_STEPS_BEFORE_YIELD || !this.host.yield) return undefined;
    this.steps = 0;
    const gate = this.host.yield().finally(() => {
      this.gate = undefined;
    });
    this.gate = gate;
    return gate;
  }

  /**
   * Lanes a Parallel or Map asking for `requested` gets: all of them while the execution's budget
   * lasts; past it at least one (when the host bounds branches: executions recorded before the
   * bound keep what they asked for). Give them back with `release`.
   */
  lanes(requested: number): number {
    let granted = requested;
    if (requested > this.branches && (this.host.boundsBranches?.() ?? true)) granted = Math.max(1, this.branches);
    this.branches -= granted;
    return granted;
  }

  release(lanes: number): void {
    this.branches += lanes;
  }
}
