import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { createPool } from '../engine/db/pool';
import type { Logger } from '../engine/logger';
import type { SoakOptions } from './options';
import type { Random } from './random';
import { SfnCallError, executionArn, stateMachineArn, type SfnClient } from './sfn';
import { waitForHealth, type SoakStack } from './stack';
import type { Expectation } from './workloads';

/** One execution the soak starts: a workload's or a poison's. */
export interface ExecutionRecord {
  machine: string;
  name: string;
  /** `<machine>:<name>`, Stepflow's execution id (and Temporal workflow id). */
  id: string;
  arn: string;
  /** The workload, or `poison:<name>`. */
  kind: string;
  input: Record<string, unknown>;
  expected?: Expectation;
  poison: boolean;
  /** The start was accepted (or the execution already existed). */
  accepted: boolean;
  startError?: string;
  /** Closed as the soak's pacing saw it (the executions table), epoch ms. */
  observedEnd?: number;
  /** What the soak had to do to a poison that did not end in time. */
  intervention?: string;
}

/** One fault the injector plans and then injects. */
export interface FaultRecord {
  kind: string;
  /** Injected once this many executions were started. */
  trigger: number;
  detail?: string;
  at?: number;
  recoveredAt?: number;
  /** Open executions the pacing saw when the fault hit. */
  observedOpen?: number;
}

const until = async (condition: () => boolean, giveUp: () => boolean = () => false): Promise<boolean> => {
  while (!condition()) {
    if (giveUp()) return false;
    await sleep(50);
  }
  return true;
};

/**
 * Runs the soak's traffic against the stack: starts the planned executions, keeping
 * `concurrency` open; starts poison executions at their trigger points; injects each fault at its
 * trigger point once enough executions are open; stops poisons that outlive their deadline; then
 * waits for every execution to close (or the drain deadline).
 */
export class Driver {
  private readonly open = new Set<string>();
  private readonly openPoisons = new Map<string, number>();
  private starting = 0;
  private started = 0;
  private restartingTemporal = false;
  /** Temporal server deaths the soak did not cause (it restarts the server). */
  readonly temporalDeaths: number[] = [];

  constructor(
    private readonly stack: SoakStack,
    private readonly client: SfnClient,
    private readonly temporal: () => Promise<Client>,
    private readonly options: SoakOptions,
    private readonly random: Random,
    private readonly log: Logger,
  ) {}

  /** Runs everything; resolves when the run has drained (or its drain deadline passed). */
  async run(
    records: ExecutionRecord[],
    poisons: Array<{ trigger: number; record: ExecutionRecord }>,
    faults: FaultRecord[],
  ): Promise<void> {
    const byId = new Map([...records, ...poisons.map((p) => p.record)].map((r) => [r.id, r]));
    let running = true;
    const tracker = this.track(byId, () => running);
    const watchdog = this.watchTemporal(() => running);
    const injector = this.inject(faults);
    const pendingPoisons = [...poisons].sort((a, b) => a.trigger - b.trigger);
    const poisonRuns: Array<Promise<void>> = [];
    let next = 0;
    const starter = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        const record = records[i];
        if (!record) return;
        while (pendingPoisons.length && (pendingPoisons[0] as { trigger: number }).trigger <= i) {
          poisonRuns.push(this.runPoison((pendingPoisons.shift() as { record: ExecutionRecord }).record));
        }
        await until(() => this.open.size + this.starting < this.options.concurrency && this.gateOpen(i, faults));
        this.starting++;
        await this.start(record);
        this.starting--;
        this.started++;
      }
    };
    await Promise.all(Array.from({ length: 6 }, starter));
    for (const rest of pendingPoisons) poisonRuns.push(this.runPoison(rest.record));
    this.log.info({ started: this.started }, 'every execution started');
    await injector;
    await Promise.all(poisonRuns);
    const drainEnd = Date.now() + this.options.drainSeconds * 1000;
    await until(
      () => this.open.size === 0,
      () => Date.now() > drainEnd,
    );
    running = false;
    await Promise.all([tracker, watchdog]);
  }

  /** The starter may not run far past a pending fault's trigger while enough executions are open for it. */
  private gateOpen(index: number, faults: FaultRecord[]): boolean {
    const blocked = faults.some((fault) => fault.at === undefined && fault.trigger + 20 <= index);
    return !blocked || this.open.size < this.options.minInFlight;
  }

  private async start(record: ExecutionRecord): Promise<void> {
    try {
      await this.client.call(
        'StartExecution',
        { stateMachineArn: stateMachineArn(record.machine), name: record.name, input: JSON.stringify(record.input) },
        600_000,
      );
      record.accepted = true;
    } catch (err) {
      // Already there: an earlier attempt went through and its reply was lost (it has ended since).
      if (err instanceof SfnCallError && err.type === 'ExecutionAlreadyExists') record.accepted = true;
      else record.startError = (err as Error).message;
    }
    if (record.accepted && record.observedEnd === undefined) {
      if (record.poison) this.openPoisons.set(record.id, Date.now());
      else this.open.add(record.id);
    }
  }

  /** Follows the executions table (the pacing's view; the verdicts come from the API). */
  private async track(byId: Map<string, ExecutionRecord>, running: () => boolean): Promise<void> {
    const pool = createPool(this.stack.databaseUrl);
    pool.options.max = 2;
    try {
      while (running()) {
        const ids = [...this.open, ...this.openPoisons.keys()];
        if (ids.length) {
          try {
            const { rows } = await pool.query<{ execution_id: string }>(
              `SELECT execution_id FROM executions WHERE status <> 'RUNNING' AND execution_id = ANY($1)`,
              [ids],
            );
            const now = Date.now();
            for (const { execution_id: id } of rows) {
              const record = byId.get(id) as ExecutionRecord;
              record.observedEnd = now;
              this.open.delete(id);
              this.openPoisons.delete(id);
            }
          } catch {
            // Postgres is down (on purpose): keep the last view.
          }
        }
        await sleep(500);
      }
    } finally {
      await pool.end().catch(() => undefined);
    }
  }

  /** Restarts a Temporal server that died by itself, and counts it. */
  private async watchTemporal(running: () => boolean): Promise<void> {
    while (running()) {
      if (!this.restartingTemporal && !this.stack.temporalAlive()) {
        this.temporalDeaths.push(Date.now());
        this.log.warn('temporal server died; restarting it');
        this.restartingTemporal = true;
        await this.stack.restartTemporal().catch((err) => this.log.error({ err }, 'temporal restart failed'));
        this.restartingTemporal = false;
      }
      await sleep(2_000);
    }
  }

  private async inject(faults: FaultRecord[]): Promise<void> {
    for (const fault of faults) {
      const due = await until(
        () => this.started >= fault.trigger && this.open.size >= this.options.minInFlight,
        () => this.started >= this.options.executions && this.open.size < this.options.minInFlight,
      );
      if (!due) {
        fault.detail = 'not injected: too few executions open';
        continue;
      }
      fault.at = Date.now();
      fault.observedOpen = this.open.size;
      this.log.info({ fault: fault.kind, open: fault.observedOpen }, 'fault');
      fault.detail = await this.injectOne(fault.kind);
      fault.recoveredAt = Date.now();
      // Let the open executions build up again before the next fault.
      await sleep(5_000);
    }
  }

  private async injectOne(kind: string): Promise<string> {
    if (kind === 'restart-temporal') {
      this.restartingTemporal = true;
      try {
        await this.stack.restartTemporal();
      } finally {
        this.restartingTemporal = false;
      }
      return 'SIGTERM, then started again';
    }
    if (kind === 'restart-postgres') {
      const downMs = this.random.int(2_000, 6_000);
      await this.stack.restartPostgres(downMs);
      await waitForHealth(this.stack.apiUrl);
      return `down ${(downMs / 1000).toFixed(1)} s`;
    }
    const role = kind.slice('kill-'.length);
    const count = this.options.roles.find((r) => r.role === role)?.count ?? 1;
    const which = count > 1 && this.random.next() < 0.5 ? 'one' : 'all';
    const pids = await this.stack.processes.kill(role, which, (n) => this.random.int(0, n - 1));
    if (role === 'api') await waitForHealth(this.stack.apiUrl);
    return `SIGKILL ${which === 'all' ? 'all' : 'one'} of ${count} (pid ${pids.join(', ')})`;
  }

  /** Starts a poison; if it has not ended by its deadline, stops it, and terminates its workflow if Stop does not end it. */
  private async runPoison(record: ExecutionRecord): Promise<void> {
    await this.start(record);
    if (!record.accepted) return;
    const deadline = Date.now() + this.options.poisonDeadlineSeconds * 1000;
    await until(
      () => !this.openPoisons.has(record.id),
      () => Date.now() > deadline,
    );
    if (!this.openPoisons.has(record.id)) return;
    const notes = [`still RUNNING after ${this.options.poisonDeadlineSeconds} s: StopExecution`];
    try {
      await this.client.call('StopExecution', { executionArn: record.arn, error: 'Soak.PoisonDeadline' });
    } catch (err) {
      notes.push(`StopExecution failed (${(err as Error).message})`);
    }
    try {
      const client = await this.temporal();
      const closed = async () => (await client.workflow.getHandle(record.id).describe()).status.name !== 'RUNNING';
      const stopBy = Date.now() + 30_000;
      while (Date.now() < stopBy && !(await closed().catch(() => false))) await sleep(1_000);
      if (!(await closed().catch(() => false))) {
        notes.push('its Temporal workflow still ran 30 s later: terminated in Temporal');
        await client.workflow.getHandle(record.id).terminate('soak: poison did not stop');
      }
    } catch (err) {
      notes.push(`could not check or terminate its workflow (${(err as Error).message})`);
    }
    record.intervention = notes.join('; ');
    const giveUpAt = Date.now() + 30_000;
    await until(
      () => !this.openPoisons.has(record.id),
      () => Date.now() > giveUpAt,
    );
    this.openPoisons.delete(record.id);
  }
}

/** The ARN and id of an execution. */
export function identify(machine: string, name: string): { id: string; arn: string } {
  return { id: `${machine}:${name}`, arn: executionArn(machine, name) };
}
