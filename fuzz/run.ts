/**
 * `npm run fuzz -- [--cases N] [--seed S] [--target definitions|api|executions ...] [--smoke]`:
 * generated definitions, inputs and API requests (from the zod schemas and the Step Functions
 * service model) plus hostile mutations, against the validator, the in-memory interpreter, the
 * API (Fastify inject on a real Postgres and Temporal) and real executions on a worker. Prints a
 * summary per target and exits 1 on any failure.
 */
import os from 'node:os';
import { sfnActions } from './api-requests';
import { runCampaign, type CampaignReport, type FailureReport } from './campaign';
import { startFuzzStack } from './stack';
import { apiTarget, buildFuzzApi, buildWorld, stepflowActions } from './target-api';
import { definitionsTarget } from './target-definitions';
import { executionsTarget } from './target-executions';
import { DefinitionPool } from './thread-pool';

const say = (line: string) => process.stdout.write(`${line}\n`);

const TARGETS = ['definitions', 'api', 'executions'] as const;
type TargetName = (typeof TARGETS)[number];

/** The fuzzer's options. */
export interface FuzzOptions {
  cases: number;
  executions: number;
  seed: number;
  targets: TargetName[];
}

/** Full run: 10,000 cases per target (the executions target runs a sample of real executions). */
const FULL = { cases: 10_000, executions: 200 };
/** `--smoke` (CI): a short seeded run of every target. */
const SMOKE = { cases: 300, executions: 20 };

const USAGE = `usage: npm run fuzz -- [--smoke] [--cases N] [--executions N] [--seed S] [--target ${TARGETS.join('|')}]...`;

/** Parses the command line; throws a usage message on anything unknown. */
export function parseFuzzArgs(argv: string[]): FuzzOptions {
  let sizes = FULL;
  let cases: number | undefined;
  let executions: number | undefined;
  let seed = Date.now() % 2 ** 31;
  const targets: TargetName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (text: string) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} must be a non-negative integer\n${USAGE}`);
      return n;
    };
    if (arg === '--smoke') sizes = SMOKE;
    else if (arg === '--cases') cases = integer(value());
    else if (arg === '--executions') executions = integer(value());
    else if (arg === '--seed') seed = integer(value());
    else if (arg === '--target') {
      const name = value();
      if (!(TARGETS as readonly string[]).includes(name)) throw new Error(`unknown target '${name}'\n${USAGE}`);
      targets.push(name as TargetName);
    } else throw new Error(`unknown option '${arg}'\n${USAGE}`);
  }
  return {
    cases: cases ?? sizes.cases,
    executions: executions ?? sizes.executions,
    seed,
    targets: targets.length > 0 ? targets : [...TARGETS],
  };
}

function printReport(report: CampaignReport): void {
  const failures = report.failures.reduce((sum, f) => sum + f.count, 0);
  if (report.stopped) say(`\n== ${report.target}: STOPPED EARLY: ${report.stopped}`);
  say(
    `\n== ${report.target}: ${report.cases} cases in ${(report.durationMs / 1000).toFixed(1)} s, seed ${report.seed}: ${failures} failing case(s), ${report.failures.length} distinct`,
  );
  const all = Object.entries(report.tags).sort((a, b) => b[1] - a[1]);
  const routes = all.filter(([tag]) => tag.startsWith('route '));
  const tags = all.filter(([tag]) => !tag.startsWith('route '));
  say(`   ${tags.map(([tag, n]) => `${tag} ${n}`).join(', ')}`);
  if (routes.length > 0) {
    const counts = routes.map(([, n]) => n);
    say(`   ${routes.length} routes and actions covered, ${Math.min(...counts)}–${Math.max(...counts)} cases each`);
  }
  const serverErrors = tags.filter(([tag]) => /^status 5\d\d$/.test(tag)).reduce((sum, [, n]) => sum + n, 0);
  if (report.target === 'api') say(`   5xx responses: ${serverErrors}`);
  for (const failure of report.failures) {
    say(`\n   FAIL ×${failure.count}  ${failure.signature}`);
    say(`     detail: ${failure.detail}`);
    if (failure.stack) say(`     stack: ${failure.stack.split('\n').slice(0, 8).join('\n       ')}`);
    if (report.target === 'crashes') {
      say(`     last log lines: ${failure.example}`);
      continue;
    }
    say(`     first case: ${failure.example}`);
    if (failure.shrunk) say(`     shrunk: ${failure.shrunk}`);
    say(
      `     replay: seed ${failure.seed}, path ${failure.path} (npm run fuzz -- --target ${report.target} --seed ${failure.seed} --cases ${report.cases})`,
    );
  }
}

async function main(): Promise<number> {
  let options: FuzzOptions;
  try {
    options = parseFuzzArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  say(
    `stepflow fuzz: seed ${options.seed}, ${options.cases} cases per target, targets ${options.targets.join(', ')} (${os.cpus().length} CPUs, node ${process.version})`,
  );
  const reports: CampaignReport[] = [];
  if (options.targets.includes('definitions')) {
    const pool = new DefinitionPool(2);
    try {
      reports.push(await runCampaign(definitionsTarget(pool), options.cases, options.seed, say));
    } finally {
      await pool.close();
    }
  }
  if (options.targets.includes('api') || options.targets.includes('executions')) {
    say('starting the stack (Temporal server, database, worker) …');
    const stack = await startFuzzStack();
    const crashes: { code: number | null; signal: string | null; logTail: string }[] = [];
    const onUncaught = (err: Error) =>
      crashes.push({ code: null, signal: `uncaught in the API process: ${err.stack ?? err.message}`, logTail: '' });
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    try {
      const { app, routes } = await buildFuzzApi(stack);
      const world = await buildWorld(app);
      const modelActions = new Set(sfnActions().map((a) => a.action));
      const unmodelled = stepflowActions().filter((action) => !modelActions.has(action));
      say(
        `api: ${routes.length} REST routes, ${modelActions.size} Step Functions actions${unmodelled.length ? ` (served but not in the model: ${unmodelled.join(', ')})` : ''}`,
      );
      if (options.targets.includes('api'))
        reports.push(await runCampaign(apiTarget(app, routes, world, stack), options.cases, options.seed, say));
      if (options.targets.includes('executions')) {
        reports.push(await runCampaign(executionsTarget(app, stack), options.executions, options.seed, say));
      }
      await app.close();
    } finally {
      crashes.push(...stack.workerExits);
      await stack.stop();
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
    }
    if (crashes.length > 0) {
      // One report per kind of exit, counted; the log tail of the last one shows why.
      const byKind = new Map<string, FailureReport>();
      for (const crash of crashes) {
        const uncaught = crash.code === null && crash.signal?.startsWith('uncaught');
        const signature = uncaught
          ? 'API process: uncaught error'
          : `worker exited (code ${crash.code}, signal ${crash.signal})`;
        const known = byKind.get(signature);
        if (known) {
          known.count++;
          known.example = crash.logTail;
        } else {
          byKind.set(signature, {
            signature,
            count: 1,
            detail: uncaught ? (crash.signal ?? '') : 'the worker process ended on its own (restarted by the fuzzer)',
            example: crash.logTail,
            seed: options.seed,
            path: '-',
          });
        }
      }
      reports.push({
        target: 'crashes',
        cases: 0,
        seed: options.seed,
        tags: {},
        failures: [...byKind.values()],
        durationMs: 0,
      });
    }
  }
  for (const report of reports) printReport(report);
  const failing = reports.filter((r) => r.failures.length > 0 || r.stopped);
  say(
    `\n== summary (seed ${options.seed}): ${reports.map((r) => (r.target === 'crashes' ? `${r.failures.reduce((sum, f) => sum + f.count, 0)} process crash(es)` : `${r.target} ${r.cases} cases, ${r.failures.reduce((s, f) => s + f.count, 0)} failing`)).join('; ')}`,
  );
  if (
    !reports.some((r) => r.target === 'crashes') &&
    (options.targets.includes('api') || options.targets.includes('executions'))
  )
    say('   no worker or API crash');
  return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(2);
    },
  );
}
