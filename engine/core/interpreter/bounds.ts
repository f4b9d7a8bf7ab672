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
 * The branch window of a paced execution (see `ExecutionBounds.paced`): well under Temporal's 2,000
 * pending activities and child workflows, with room for the timers and local activities of the
 * same workflow.
 */
export const PACED_CONCURRENT_BRANCHES = 500;

/**
 * Under pacing, the work one activation of the workflow (one workflow task) may do: states started
 * plus Task and timer completions taken up. Past it, every branch waits for a yield (a 1 ms timer,
 * i.e. the next workflow task). A workflow task must end within Temporal's 10 s timeout on a busy
 * machine too: a Map that started 1,000 iterations in one activation took more than 5 s at a load
 * average of 20 on 2 cores, 200 still more than 5 s on a fresh worker (measured), 50 well under it.
 */
export const ACTIVATION_BUDGET = 50;

/**
 * Items one inline Map iterates over. A Map over more fails with `States.Runtime` before any
 * iteration starts (a Distributed Map is the way to process more).
 */
export const MAX_INLINE_MAP_ITEMS = 40_000;

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
  /**
   * Pacing (host `pacesActivations`, asked when a Parallel/Map first asks for more than
   * ACTIVATION_BUDGET lanes): the window is PACED_CONCURRENT_BRANCHES, and no activation does more
   * than ACTIVATION_BUDGET states and completions — counted from the moment the host's clock moved
   * (a new workflow task), not from the last wait.
   */
  paced = false;
  /** Under pacing: the host clock of the activation `work` counts for. */
  private activationClock = Number.NaN;
  /** Under pacing: states and completions admitted in the current activation. */
  private work = 0;
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
    if (!this.paced) this.steps = 0;
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
    if (this.paced) return this.admit();
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
   * Under pacing, a Task's or timer's completion taken up by its branch counts toward the
   * activation's budget; past it the branch goes on only after a yield. Not paced: as it came.
   */
  resumed<T>(outcome: Promise<T>): Promise<T> {
    if (!this.paced || !this.host.yield) return outcome;
    const admitted = () => this.admit();
    return outcome.then(
      async (value) => {
        const turn = admitted();
        if (turn) await turn;
        return value;
      },
      async (err: unknown) => {
        const turn = admitted();
        if (turn) await turn;
        throw err;
      },
    );
  }

  /** Under pacing: counts one unit of work now, or (budget spent) resolves when it may go on. */
  private admit(): Promise<void> | undefined {
    if (!this.host.yield) return undefined;
    this.newActivation();
    if (!this.gate && this.work < ACTIVATION_BUDGET && this.steps < SYNC_STEPS_BEFORE_YIELD) {
      this.work++;
      this.steps++;
      return undefined;
    }
    return this.nextTurn();
  }

  /** Waits for yields until the activation has budget left, then counts this unit in it. */
  private async nextTurn(): Promise<void> {
    for (;;) {
      if (!this.gate) {
        // A yield ends the activation: the next one starts with its budget whole.
        const gate = (this.host.yield as () => Promise<void>)().finally(() => {
          this.gate = undefined;
          this.activationClock = this.host.now();
          this.work = 0;
          this.steps = 0;
        });
        this.gate = gate;
      }
      await this.gate;
      this.newActivation();
      if (!this.gate && this.work < ACTIVATION_BUDGET) {
        this.work++;
        this.steps++;
        return;
      }
    }
  }

  /** A new activation (the host's clock moved since the last count): the budget is whole again. */
  private newActivation(): void {
    const now = this.host.now();
    if (now === this.activationClock) return;
    this.activationClock = now;
    this.work = 0;
    this.steps = 0;
  }

  /**
   * Lanes a Parallel or Map asking for `requested` gets: all of them while the execution's budget
   * lasts; past it at least one (when the host bounds branches: executions recorded before the
   * bound keep what they asked for). Give them back with `release`. A request for more than
   * ACTIVATION_BUDGET lanes turns pacing on when the host allows it (executions recorded before
   * replay unpaced).
   */
  lanes(requested: number): number {
    if (!this.paced && requested > ACTIVATION_BUDGET && this.host.pacesActivations?.()) {
      this.paced = true;
      this.branches -= MAX_CONCURRENT_BRANCHES - PACED_CONCURRENT_BRANCHES;
    }
    let granted = requested;
    if (requested > this.branches && (this.paced || (this.host.boundsBranches?.() ?? true)))
      granted = Math.max(1, this.branches);
    this.branches -= granted;
    return granted;
  }

  release(lanes: number): void {
    this.branches += lanes;
  }
}
