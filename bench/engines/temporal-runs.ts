import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { EngineName } from '../config';
import { cpuDelta, cpuSnapshot, forEachLimit, rssBytes, waitIdle, type WalMeter } from '../metrics';
import type { Workload } from '../workloads';
import type { HistoryCost, RoundResult } from './types';

const EventType = temporal.api.enums.v1.EventType;

/** Long polls (close events) in flight at once; close times come from the server, so this only bounds load. */
const CLOSE_POLL_CONCURRENCY = 200;
/** Parked executions resume this far in the future; the round stops them with the `stop` signal instead. */
const PARK_MS = 24 * 3600 * 1000;

export async function connectClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** Thrown when a round's executions have not all closed by its deadline. */
export class RoundTimeoutError extends Error {
  constructor(workflowId: string) {
    super(`round timed out waiting for ${workflowId} to close`);
    this.name = 'RoundTimeoutError';
  }
}

/** Thrown when an execution's workflow task keeps failing (it would never close). */
export class StuckWorkflowError extends Error {
  constructor(workflowId: string, failures: number, cause: string) {
    super(`${workflowId}: workflow task on attempt ${failures}, never completing: ${cause}`);
    this.name = 'StuckWorkflowError';
  }
}

/** How often a round checks an open execution for a failing workflow task. */
const STALL_CHECK_MS = 3_000;

/**
 * Rejects once the workflow's task is on its third attempt (later attempts of a failing task are
 * transient: only the first failure is in the history); never resolves otherwise (race it).
 */
async function watchStuck(
  client: Client,
  open: () => string | undefined,
  done: () => boolean,
  attempts: number,
): Promise<never> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, STALL_CHECK_MS));
    if (done()) return new Promise<never>(() => undefined);
    const workflowId = open();
    if (!workflowId) continue;
    const described = await client.workflowService
      .describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId } })
      .catch(() => undefined);
    const attempt = described?.pendingWorkflowTask?.attempt ?? 0;
    if (attempt >= attempts) {
      const history = await client.workflow
        .getHandle(workflowId)
        .fetchHistory()
        .catch(() => undefined);
      const failure = (history?.events ?? [])
        .filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .at(-1);
      const cause = failure?.workflowTaskFailedEventAttributes?.failure?.message ?? 'workflow task timing out';
      throw new StuckWorkflowError(workflowId, attempt, cause.slice(0, 300));
    }
  }
}

/**
 * Waits for a workflow to close, following its runs when it continues as new; returns the server's
 * close time of the last run and whether it completed.
 */
export async function awaitClose(
  client: Client,
  workflowId: string,
  deadline = Infinity,
): Promise<{ closedAt: number; completed: boolean }> {
  let nextPageToken: Uint8Array | undefined;
  let runId: string | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new RoundTimeoutError(workflowId);
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, ...(runId ? { runId } : {}) },
      waitNewEvent: true,
      historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
      skipArchival: true,
      nextPageToken,
    });
    const event = response.history?.events?.[0];
    const next = event?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (next) {
      // The run handed over: wait for the next one (Stepflow's continue-as-new, or the baseline's).
      runId = next;
      nextPageToken = undefined;
      continue;
    }
    if (event) {
      return {
        closedAt: tsToMs(event.eventTime),
        completed: event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      };
    }
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  }
}

/**
 * The histories of every run of a workflow, last run first: each run's first event names the run
 * it continued (`continuedExecutionRunId`), so the chain is walked back without visibility.
 */
async function runHistories(client: Client, workflowId: string) {
  const histories = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return histories;
    runId = previous;
  }
}

/**
 * Counts what Temporal recorded for each sampled execution, every run of it (continue-as-new)
 * together; the mean per execution.
 */
export async function historyCost(client: Client, workflowIds: string[]): Promise<HistoryCost | undefined> {
  if (workflowIds.length === 0) return undefined;
  const sum: HistoryCost = { events: 0, workflowTasks: 0, activities: 0, timers: 0, bytes: 0, runs: 0 };
  for (const id of workflowIds) {
    for (const history of await runHistories(client, id)) {
      const events = history.events ?? [];
      sum.runs += 1;
      sum.events += events.length;
      sum.bytes += temporal.api.history.v1.History.encode(history).finish().length;
      for (const event of events) {
        if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) sum.workflowTasks++;
        if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) sum.activities++;
        if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) sum.timers++;
      }
    }
  }
  const n = workflowIds.length;
  return {
    events: sum.events / n,
    workflowTasks: sum.workflowTasks / n,
    activities: sum.activities / n,
    timers: sum.timers / n,
    bytes: sum.bytes / n,
    runs: sum.runs / n,
  };
}

/** The peak resident set of each process over a round, sampled every 250 ms. */
class RssPeaks {
  private readonly peaks: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: () => Record<string, number>) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids()))
      this.peaks[name] = Math.max(this.peaks[name] ?? 0, rssBytes(pid));
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peaks };
  }
}

/** Ends parked executions with the `stop` signal (both engines handle it) and waits until they closed. */
async function stopParked(spec: TemporalRunSpec, ids: string[], deadline: number): Promise<void> {
  await forEachLimit(ids.length, spec.startConcurrency, async (index) => {
    await spec.client.workflow.getHandle(ids[index]).signal('stop', { error: 'BenchDone', cause: 'parked round over' });
  });
  await forEachLimit(ids.length, CLOSE_POLL_CONCURRENCY, async (index) => {
    await awaitClose(spec.client, ids[index], deadline);
  });
}

/** How one Temporal-backed engine starts an execution. */
export interface TemporalRunSpec {
  engine: EngineName;
  client: Client;
  wal: WalMeter;
  /** Processes whose CPU time the round reports (worker, api, server). */
  pids(): Record<string, number>;
  workerPid(): number;
  /** Replaces the worker with a fresh process (parked rounds measure memory from a clean heap). */
  restartWorker?(): Promise<void>;
  startConcurrency: number;
  historySample: number;
  /**
   * The workflow-task attempt at which an execution counts as stuck and the round is abandoned
   * (default 3); a loaded machine can time out a few workflow tasks and still finish.
   */
  stuckAttempts?: number;
  /** How long the round may take before it is abandoned (its open executions terminated). */
  roundTimeoutMs: number;
  /** Starts execution `index` with `input`; resolves to its workflow id once accepted. */
  start(index: number, input: unknown): Promise<string>;
  /** Checks a completed execution's result (Stepflow: status SUCCEEDED). */
  checkResult?(workflowId: string): Promise<boolean>;
  /** What the engine stored in its own Postgres tables for these executions (Stepflow: history rows). */
  storedRows?(workflowIds: string[]): Promise<{ rows: number; bytes: number; byTable?: Record<string, number> }>;
  /** Workflows beside the executions whose histories the round counts apart (Stepflow: Map Runs). */
  mapRunIds?(workflowIds: string[]): Promise<string[]>;
}

/**
 * One round on a Temporal-backed engine: start every execution as fast as accepted, then wait
 * for every close (server close times, so polling does not add latency), then count CPU, WAL
 * and a sample of histories. Parked workloads: measure the worker's RSS once every execution
 * sits in its Wait, then stop them all (not measured).
 */
export async function runOnTemporal(
  spec: TemporalRunSpec,
  workload: Workload,
  round: string | number,
): Promise<RoundResult> {
  const count = workload.executions;
  const wakeAt = Date.now() + PARK_MS;
  const ids: string[] = new Array(count);
  const startedAt: number[] = new Array(count);
  const acceptedAt: number[] = new Array(count);
  if (workload.parked && spec.restartWorker) {
    await spec.restartWorker();
    // Warm the fresh worker (loads the workflow bundle) with a few executions that park and stop.
    const warm = await Promise.all(
      Array.from({ length: 5 }, (_, k) => spec.start(count + k, workload.input(count + k, wakeAt))),
    );
    await waitIdle(spec.workerPid(), 1000, 30_000);
    await stopParked(spec, warm, Date.now() + 60_000);
    await waitIdle(spec.workerPid());
  }
  const rssBefore = rssBytes(spec.workerPid());
  const peaks = new RssPeaks(() => spec.pids());
  const cpuBefore = cpuSnapshot(spec.pids());
  const lsn = await spec.wal.lsn();
  const t0 = Date.now();
  const deadline = t0 + spec.roundTimeoutMs;
  try {
    return await measure();
  } catch (err) {
    peaks.stop();
    // Leave nothing running for the next round: terminate what is still open.
    await forEachLimit(count, spec.startConcurrency, async (index) => {
      if (ids[index])
        await spec.client.workflow
          .getHandle(ids[index])
          .terminate('bench round abandoned')
          .catch(() => undefined);
    });
    throw err;
  }

  async function measure(): Promise<RoundResult> {
    await forEachLimit(count, spec.startConcurrency, async (index) => {
      const input = workload.input(index, wakeAt);
      startedAt[index] = Date.now();
      ids[index] = await spec.start(index, input);
      acceptedAt[index] = Date.now();
    });
    let latenciesMs: number[];
    let wallMs: number;
    let failed = 0;
    let rssPerExecutionBytes: number | undefined;
    if (workload.parked) {
      await waitIdle(spec.workerPid());
      rssPerExecutionBytes = (rssBytes(spec.workerPid()) - rssBefore) / count;
      latenciesMs = acceptedAt.map((at, index) => at - startedAt[index]);
      wallMs = Math.max(...acceptedAt) - t0;
    } else {
      const closedAt: number[] = new Array(count);
      let allClosed = false;
      const waits = forEachLimit(count, CLOSE_POLL_CONCURRENCY, async (index) => {
        const close = await awaitClose(spec.client, ids[index], deadline);
        closedAt[index] = close.closedAt;
        if (!close.completed) failed++;
      }).finally(() => (allClosed = true));
      const firstOpen = () => ids.find((_, index) => closedAt[index] === undefined);
      await Promise.race([waits, watchStuck(spec.client, firstOpen, () => allClosed, spec.stuckAttempts ?? 3)]);
      latenciesMs = closedAt.map((at, index) => at - startedAt[index]);
      wallMs = Math.max(...closedAt) - t0;
    }
    const cpuSeconds = cpuDelta(cpuBefore, cpuSnapshot(spec.pids()));
    const peakRssBytes = peaks.stop();
    const walBytes = await spec.wal.bytesSince(lsn);
    const sample = ids.slice(0, Math.min(spec.historySample, count));
    const history = await historyCost(spec.client, sample);
    if (spec.checkResult && !workload.parked) {
      for (const id of sample) if (!(await spec.checkResult(id))) failed++;
    }
    const stored = spec.storedRows && !workload.parked ? await spec.storedRows(ids) : undefined;
    const mapRunHistory = spec.mapRunIds ? await historyCost(spec.client, await spec.mapRunIds(sample)) : undefined;
    if (workload.parked) {
      await stopParked(spec, ids, deadline + 60_000);
      await waitIdle(spec.workerPid());
    }
    return {
      engine: spec.engine,
      workload: workload.name,
      round: typeof round === 'number' ? round : 0,
      executions: count,
      failed,
      wallMs,
      latenciesMs,
      cpuSeconds,
      walBytes,
      history,
      rssPerExecutionBytes,
      peakRssBytes,
      ...(stored ? { storedRows: stored.rows, storedBytes: stored.bytes } : {}),
      ...(stored?.byTable ? { storedRowsByTable: stored.byTable } : {}),
      ...(mapRunHistory ? { mapRunHistory } : {}),
    };
  }
}
