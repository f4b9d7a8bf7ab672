/**
 * The benchmark's settings: which workloads and engines, how many rounds, and each workload's
 * sizes. Sizes come from defaults (full or `--smoke`), then `BENCH_<WORKLOAD>_<SIZE>` variables,
 * then `--<workload>.<size>=N` flags.
 */

/** Every engine the benchmark compares, in the order each round runs them. */
export const ENGINES = ['stepflow', 'temporal', 'local', 'interpreter'] as const;
export type EngineName = (typeof ENGINES)[number];

/** Workload names; `loop` on the command line selects both loops. */
export const WORKLOADS = ['chain', 'map', 'loop-pass', 'loop-task', 'parallel', 'payload', 'parked', 'dmap'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
const GROUPS: Record<string, WorkloadName[]> = { loop: ['loop-pass', 'loop-task'] };

/** Sizes of each workload. */
export interface Sizes {
  chain: { executions: number };
  map: { items: number };
  'loop-pass': { iterations: number };
  'loop-task': { iterations: number };
  parallel: { branches: number; executions: number };
  payload: { executions: number; kib: number };
  parked: { executions: number };
  /** Distributed Map: items, items per child execution (ItemBatcher), children in flight (MaxConcurrency). */
  dmap: { items: number; batch: number; concurrency: number };
}

/** The sizes. */
export const FULL_SIZES: Sizes = {
  chain: { executions: 1000 },
  map: { items: 1000 },
  'loop-pass': { iterations: 100_000 },
  'loop-task': { iterations: 20_000 },
  parallel: { branches: 50, executions: 10 },
  payload: { executions: 200, kib: 200 },
  parked: { executions: 1000 },
  dmap: { items: 10_000, batch: 100, concurrency: 50 },
};

/** Tiny sizes for CI: every code path, no meaningful numbers. */
export const SMOKE_SIZES: Sizes = {
  chain: { executions: 10 },
  map: { items: 20 },
  'loop-pass': { iterations: 100 },
  'loop-task': { iterations: 10 },
  parallel: { branches: 5, executions: 2 },
  payload: { executions: 4, kib: 16 },
  parked: { executions: 10 },
  dmap: { items: 200, batch: 10, concurrency: 50 },
};

export interface BenchConfig {
  workloads: WorkloadName[];
  engines: EngineName[];
  rounds: number;
  /** Untimed warm-up run per engine and workload (tiny sizes) before the rounds. */
  warmup: boolean;
  smoke: boolean;
  sizes: Sizes;
  /** Starts in flight at once (API requests or Temporal client calls). */
  startConcurrency: number;
  /** Executions whose Temporal history is fetched and counted per round. */
  historySample: number;
  /** A round not finished in this time is abandoned and reported as an error. */
  roundTimeoutMs: number;
  /** A round whose execution's workflow task reaches this attempt is abandoned as stuck. */
  stuckAttempts: number;
  /** Append to bench/RESULTS.md and write bench/results.svg. */
  write: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const USAGE = `usage: npm run bench -- [workload ...] [options]

workloads: ${WORKLOADS.join(', ')}, loop (= loop-pass loop-task); default: all
options:
  --smoke                 tiny sizes, 1 round, no warm-up, results not written (CI)
  --rounds=N              interleaved rounds per workload (default 3)
  --engines=a,b           subset of ${ENGINES.join(', ')}
  --<workload>.<size>=N   e.g. --chain.executions=500 --parallel.branches=20 --dmap.items=100000
                          (or env BENCH_CHAIN_EXECUTIONS=500)
  --concurrency=N         starts in flight at once (default 64)
  --history-sample=N      histories fetched per round (default 3)
  --round-timeout=S       abandon a round after S seconds (default 3600; smoke 45)
  --stuck-attempts=N      abandon a round once a workflow task is on attempt N (default 3)
  --no-warmup             skip the untimed warm-up run
  --write / --no-write    append to bench/RESULTS.md and write bench/results.svg (default: on unless --smoke)
`;

function positiveInt(raw: string, what: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new BenchUsageError(`${what} must be a positive integer, got '${raw}'`);
  return value;
}

function setSize(sizes: Sizes, workload: string, size: string, raw: string, what: string): void {
  const entry = (sizes as unknown as Record<string, Record<string, number>>)[workload];
  if (!entry || !(size in entry)) throw new BenchUsageError(`unknown size ${what}`);
  entry[size] = positiveInt(raw, what);
}

/** Parses the command line and `BENCH_*` variables. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchConfig {
  const smoke = argv.includes('--smoke');
  const sizes: Sizes = JSON.parse(JSON.stringify(smoke ? SMOKE_SIZES : FULL_SIZES));
  for (const [workload, entry] of Object.entries(sizes)) {
    for (const size of Object.keys(entry)) {
      const name = `BENCH_${workload.replace('-', '_').toUpperCase()}_${size.toUpperCase()}`;
      if (env[name] !== undefined) setSize(sizes, workload, size, env[name] as string, name);
    }
  }
  const config: BenchConfig = {
    workloads: [],
    engines: [...ENGINES],
    rounds: smoke ? 1 : 3,
    warmup: !smoke,
    smoke,
    sizes,
    startConcurrency: 64,
    historySample: 3,
    // A 20,000-Task loop alone takes half an hour on a busy 2-core machine.
    roundTimeoutMs: smoke ? 45_000 : 3_600_000,
    stuckAttempts: 3,
    write: !smoke,
  };
  for (const arg of argv) {
    if (arg === '--smoke') continue;
    if (arg === '--write') config.write = true;
    else if (arg === '--no-write') config.write = false;
    else if (arg === '--no-warmup') config.warmup = false;
    else if (arg.startsWith('--rounds=')) config.rounds = positiveInt(arg.slice(9), '--rounds');
    else if (arg.startsWith('--concurrency=')) config.startConcurrency = positiveInt(arg.slice(14), '--concurrency');
    else if (arg.startsWith('--history-sample=')) config.historySample = positiveInt(arg.slice(17), '--history-sample');
    else if (arg.startsWith('--stuck-attempts=')) config.stuckAttempts = positiveInt(arg.slice(17), '--stuck-attempts');
    else if (arg.startsWith('--round-timeout='))
      config.roundTimeoutMs = positiveInt(arg.slice(16), '--round-timeout') * 1000;
    else if (arg.startsWith('--engines=')) {
      const names = arg.slice(10).split(',');
      for (const name of names)
        if (!ENGINES.includes(name as EngineName)) throw new BenchUsageError(`unknown engine '${name}'`);
      config.engines = ENGINES.filter((name) => names.includes(name));
    } else if (arg.startsWith('--') && arg.includes('.') && arg.includes('=')) {
      const [key, raw] = arg.slice(2).split('=');
      const [workload, size] = key.split('.');
      setSize(sizes, workload, size, raw, `--${key}`);
    } else if (GROUPS[arg]) config.workloads.push(...GROUPS[arg]);
    else if (WORKLOADS.includes(arg as WorkloadName)) config.workloads.push(arg as WorkloadName);
    else throw new BenchUsageError(`unknown argument '${arg}'`);
  }
  if (config.workloads.length === 0) config.workloads = [...WORKLOADS];
  config.workloads = WORKLOADS.filter((name) => config.workloads.includes(name));
  return config;
}
