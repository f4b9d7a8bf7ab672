import type { EngineName } from '../config';
import type { Workload } from '../workloads';

/** Temporal's cost of one execution, counted from its history (mean over a sample). */
export interface HistoryCost {
  events: number;
  workflowTasks: number;
  activities: number;
  timers: number;
  /** Size of the encoded history. */
  bytes: number;
  /** Temporal runs (1 + the continue-as-new hand-overs). */
  runs: number;
}

/** What one engine measured in one round of one workload. */
export interface RoundResult {
  engine: EngineName;
  workload: string;
  round: number;
  executions: number;
  failed: number;
  /** First start issued → last execution closed. */
  wallMs: number;
  /** Start issued → result, per execution (parked: start issued → start accepted). */
  latenciesMs: number[];
  /** CPU seconds per process role during the round (worker, api, server; `bench` for in-memory engines). */
  cpuSeconds: Record<string, number>;
  walBytes?: number;
  history?: HistoryCost;
  /** Parked: worker RSS growth per parked execution. */
  rssPerExecutionBytes?: number;
  /** Peak resident set per process role over the round (sampled every 250 ms). */
  peakRssBytes?: Record<string, number>;
  /** Rows (and their bytes) the engine stored in its own Postgres tables for the round's executions. */
  storedRows?: number;
  storedBytes?: number;
  /** Those rows by table (Distributed Map: executions, execution_events, map_runs, map_run_items). */
  storedRowsByTable?: Record<string, number>;
  /** Distributed Map on Stepflow: the Map Run workflow's histories (every run of it together). */
  mapRunHistory?: HistoryCost;
}

/** One way of running the workloads. */
export interface Engine {
  name: EngineName;
  /** Whether the engine can run this workload (in-memory engines cannot park). */
  supports(workload: Workload): boolean;
  run(workload: Workload, round: string | number): Promise<RoundResult>;
  close(): Promise<void>;
}
