import { DEFAULT_ROLES, parseRoles, type RoleSpec } from './processes';
import { POISONS } from './poisons';

/** The soak's settings (`npm run soak -- --help`). */
export interface SoakOptions {
  executions: number;
  seed: number;
  short: boolean;
  /** Executions the starter keeps open at once. */
  concurrency: number;
  /** A fault waits until at least this many executions are open (observed) before it hits. */
  minInFlight: number;
  /** Executions a fault must have caught open (counted afterwards from start/stop dates). */
  minThrough: number;
  /** Rounds of the fault set (every kind once per round, in seeded order). */
  faultRounds: number;
  /** Fault kinds to inject (`kill-<role>`, `restart-temporal`, `restart-postgres`). */
  faults: string[];
  /** Poison executions to run beside the workload (names from poisons.ts), each `poisonRounds` times. */
  poisons: string[];
  poisonRounds: number;
  /** Seconds a poison has to end by itself before the soak stops it. */
  poisonDeadlineSeconds: number;
  roles: RoleSpec[];
  /** Seconds to wait for every execution to close after the last start. */
  drainSeconds: number;
  keep: boolean;
}

export const USAGE = `usage: npm run soak -- [options]

  --executions N        executions of the mixed workload (default 2000; --short 600)
  --seed S              seed of the workload, inputs, fault plan and poison plan (default: from the clock, printed)
  --short               the CI size: each fault once, each poison once, 600 executions
  --concurrency C       executions kept open at once (default 180)
  --min-in-flight M     a fault waits for M open executions before it hits (default 125)
  --min-through M       executions each fault must catch open, else the soak fails (default 100)
  --fault-rounds R      every fault kind R times (default 2; --short 1)
  --faults a,b          fault kinds (default: kill-<role> for every role, restart-temporal, restart-postgres)
  --poison a,b|none     poison executions: ${Object.keys(POISONS).join(', ')} (default: all)
  --poison-rounds R     each poison R times (default 2; --short 1)
  --poison-deadline S   seconds a poison may run before the soak stops it (default 120)
  --roles api=1,worker=2  the stepflow processes to run (default: ${DEFAULT_ROLES.map((r) => `${r.role}=${r.count}`).join(',')})
  --drain S             seconds to wait for the last executions to close (default 600)
  --keep                keep the data directory (logs, evidence) and print its path
`;

export class SoakUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoakUsageError';
  }
}

/** The default fault kinds for a set of roles. */
export function defaultFaults(roles: readonly RoleSpec[]): string[] {
  return [...roles.map((r) => `kill-${r.role}`), 'restart-temporal', 'restart-postgres'];
}

/** Parses `--flag value` / `--flag=value` arguments. */
export function parseSoakArgs(argv: readonly string[], now = Date.now()): SoakOptions {
  const known = [
    'executions',
    'seed',
    'short',
    'concurrency',
    'min-in-flight',
    'min-through',
    'fault-rounds',
    'faults',
    'poison',
    'poison-rounds',
    'poison-deadline',
    'roles',
    'drain',
    'keep',
    'help',
  ];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new SoakUsageError(`unexpected argument '${arg}'`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new SoakUsageError(`unknown option --${name}`);
    if (['short', 'keep', 'help'].includes(name)) flags.set(name, 'true');
    else if (inline !== undefined) flags.set(name, inline);
    else {
      const value = argv[++i];
      if (value === undefined) throw new SoakUsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  if (flags.has('help')) throw new SoakUsageError('');
  const int = (name: string, fallback: number, min = 0): number => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new SoakUsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
    return n;
  };
  const short = flags.has('short');
  const roles = flags.has('roles') ? parseRoles(flags.get('roles') as string) : [...DEFAULT_ROLES];
  const allFaults = defaultFaults(roles);
  const faults = flags.has('faults') ? (flags.get('faults') as string).split(',').filter(Boolean) : allFaults;
  for (const fault of faults)
    if (!allFaults.includes(fault))
      throw new SoakUsageError(`unknown fault '${fault}' (known: ${allFaults.join(', ')})`);
  const poisonText = flags.get('poison') ?? Object.keys(POISONS).join(',');
  const poisons = poisonText === 'none' ? [] : poisonText.split(',').filter(Boolean);
  for (const poison of poisons)
    if (!(poison in POISONS))
      throw new SoakUsageError(`unknown poison '${poison}' (known: ${Object.keys(POISONS).join(', ')}, none)`);
  const options: SoakOptions = {
    executions: int('executions', short ? 600 : 2000, 1),
    seed: int('seed', now % 1_000_000),
    short,
    concurrency: int('concurrency', 180, 1),
    minInFlight: int('min-in-flight', 125, 0),
    minThrough: int('min-through', 100, 0),
    faultRounds: int('fault-rounds', short ? 1 : 2, 0),
    faults,
    poisons,
    poisonRounds: int('poison-rounds', short ? 1 : 2, 0),
    poisonDeadlineSeconds: int('poison-deadline', 120, 1),
    roles,
    drainSeconds: int('drain', 600, 1),
    keep: flags.has('keep'),
  };
  if (options.minInFlight >= options.concurrency)
    throw new SoakUsageError('--min-in-flight must be below --concurrency');
  return options;
}
