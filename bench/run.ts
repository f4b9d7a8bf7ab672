/**
 * `npm run bench -- [workload ...] [--smoke] [options]`: Stepflow against the floor.
 * Starts its own stack (Temporal server, Stepflow API + worker, baseline worker), runs each
 * workload on every engine in interleaved rounds (A B C D A B C D …), prints the medians and,
 * unless --smoke, appends them to bench/RESULTS.md and draws bench/results.svg.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { BenchUsageError, parseBenchArgs, SMOKE_SIZES, USAGE, type BenchConfig, type EngineName } from './config';
import { interpreterEngine, interpret, localEngine, planMachine } from './engines/in-memory';
import { stepflowEngine } from './engines/stepflow';
import { temporalEngine } from './engines/temporal';
import { connectClient } from './engines/temporal-runs';
import type { Engine, RoundResult } from './engines/types';
import { machineText, quantile, WalMeter } from './metrics';
import { chartSvg, ENGINE_LABELS, ratioTable, summarize, workloadTables, type WorkloadSummary } from './report';
import { BASELINE_TASK_QUEUE, ROOT, startBenchStack, STEPFLOW_TASK_QUEUE, type BenchStack } from './stack';
import { buildWorkload, type Workload } from './workloads';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** State transitions (states entered) and Tasks of one execution, from the interpreter's history. */
async function shapeOf(workload: Workload): Promise<{ transitions: number; tasks: number }> {
  // A Distributed Map is counted in items (its rate is items/s) and child executions.
  if (workload.distributed) return { transitions: workload.distributed.items, tasks: workload.distributed.children };
  const { status, events } = await interpret(planMachine(workload.definition), workload.input(0, Date.now() + 1000));
  if (status !== 'SUCCEEDED') throw new Error(`${workload.name}: the interpreter ended ${status}`);
  return {
    transitions: events.filter((event) => event.type.endsWith('StateEntered')).length,
    tasks: events.filter((event) => event.type === 'TaskStateEntered').length,
  };
}

async function waitForPollers(client: Client, taskQueue: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((response.pollers ?? []).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no worker polls ${taskQueue} after ${timeoutMs} ms`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function sizesText(workloads: Workload[]): string {
  return workloads.map((w) => `${w.name}: ${w.sizeText}`).join('; ');
}

async function runBench(config: BenchConfig): Promise<number> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const workloads = config.workloads.map((name) => buildWorkload(name, config.sizes));
  const warmups = new Map(config.workloads.map((name) => [name, buildWorkload(name, SMOKE_SIZES)]));
  const shapes = new Map<Workload, { transitions: number; tasks: number }>();
  for (const workload of workloads) shapes.set(workload, await shapeOf(workload));
  say(
    `stepflow bench: ${config.smoke ? 'SMOKE, ' : ''}${config.rounds} round(s), engines ${config.engines.join(', ')}`,
  );
  say(`sizes: ${sizesText(workloads)}`);

  const needsTemporal = config.engines.some((engine) => engine === 'stepflow' || engine === 'temporal');
  let stack: BenchStack | undefined;
  let client: Client | undefined;
  let wal: WalMeter | undefined;
  const engines: Engine[] = [];
  const onSignal = () => {
    say('interrupted; stopping the stack');
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (needsTemporal) {
      const t = Date.now();
      stack = await startBenchStack();
      client = await connectClient(stack.temporalAddress, stack.namespace);
      wal = await WalMeter.connect(stack.serverUrl);
      await Promise.all([waitForPollers(client, STEPFLOW_TASK_QUEUE), waitForPollers(client, BASELINE_TASK_QUEUE)]);
      say(
        `stack ready in ${((Date.now() - t) / 1000).toFixed(1)} s (temporal ${stack.temporalAddress}, api ${stack.apiUrl}, logs ${stack.dataDir})`,
      );
    }
    for (const name of config.engines) {
      if (name === 'stepflow')
        engines.push(stepflowEngine(stack as BenchStack, client as Client, wal as WalMeter, config));
      if (name === 'temporal')
        engines.push(temporalEngine(stack as BenchStack, client as Client, wal as WalMeter, config));
      if (name === 'local') engines.push(localEngine());
      if (name === 'interpreter') engines.push(interpreterEngine());
    }

    const summaries: WorkloadSummary[] = [];
    let problems = 0;
    for (const workload of workloads) {
      const shape = shapes.get(workload) as { transitions: number; tasks: number };
      const results = new Map<EngineName, RoundResult[]>(engines.map((engine) => [engine.name, []]));
      const errors = new Map<EngineName, string[]>(engines.map((engine) => [engine.name, []]));
      const active = engines.filter((engine) => engine.supports(workload));
      if (config.warmup) {
        for (const engine of active) {
          await engine
            .run(warmups.get(workload.name) as Workload, 'warmup')
            .catch((err) => say(`  warm-up ${engine.name} failed: ${(err as Error).message}`));
        }
      }
      for (let round = 1; round <= config.rounds; round++) {
        for (const engine of active) {
          const t = Date.now();
          try {
            const result = await engine.run(workload, round);
            (results.get(engine.name) as RoundResult[]).push(result);
            if (result.failed > 0) problems++;
            const perSec = workload.parked
              ? result.executions / (result.wallMs / 1000)
              : (result.executions * shape.transitions) / (result.wallMs / 1000);
            const unit = workload.parked ? 'starts/s' : workload.distributed ? 'items/s' : 'transitions/s';
            say(
              `  ${workload.name} round ${round} ${engine.name.padEnd(11)} ${perSec.toFixed(0).padStart(8)} ${unit}` +
                `  p50 ${quantile(result.latenciesMs, 0.5).toFixed(1)} ms  p99 ${quantile(result.latenciesMs, 0.99).toFixed(1)} ms` +
                `${result.failed ? `  FAILED ${result.failed}` : ''}  (${((Date.now() - t) / 1000).toFixed(1)} s)`,
            );
          } catch (err) {
            problems++;
            (errors.get(engine.name) as string[]).push((err as Error).message);
            say(`  ${workload.name} round ${round} ${engine.name}: ERROR ${(err as Error).message}`);
          }
        }
      }
      summaries.push({
        workload,
        transitionsPerExec: shape.transitions,
        tasksPerExec: shape.tasks,
        engines: engines.map((engine) =>
          summarize(
            engine.name,
            results.get(engine.name) as RoundResult[],
            errors.get(engine.name) as string[],
            shape.transitions,
          ),
        ),
      });
    }

    const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
    const dirty = git(['status', '--porcelain']) !== '';
    const date = new Date().toISOString().replace('T', ' ').slice(0, 16);
    const minutes = ((Date.now() - started) / 60000).toFixed(1);
    const section = [
      `### ${date} UTC — commit ${commit}${dirty ? ' (working tree had uncommitted changes)' : ''}${config.smoke ? ' — SMOKE' : ''}`,
      '',
      `- machine: ${machineText()}; load average at start ${loadAtStart.toFixed(2)}, at end ${os.loadavg()[0].toFixed(2)} (shared machine)`,
      `- rounds: ${config.rounds}, interleaved ${engines.map((e) => e.name).join(' → ')}, medians shown; warm-up: ${config.warmup ? 'yes' : 'no'}; start concurrency ${config.startConcurrency}; history sample ${config.historySample}/round; run took ${minutes} min`,
      `- sizes: ${sizesText(workloads)}`,
      '',
      workloadTables(summaries),
      '#### Ratios (Stepflow = SF, hand-written Temporal = T)',
      '',
      ratioTable(summaries),
      '',
    ].join('\n');
    say('');
    say(section);
    if (config.write) {
      const results = path.join(ROOT, 'bench', 'RESULTS.md');
      if (!fs.existsSync(results)) fs.writeFileSync(results, RESULTS_HEADER);
      fs.appendFileSync(results, `\n${section}`);
      fs.writeFileSync(
        path.join(ROOT, 'bench', 'results.svg'),
        chartSvg(
          summaries,
          engines.map((e) => e.name),
          `${date} UTC, commit ${commit}, ${machineText()}; medians of ${config.rounds} rounds`,
        ),
      );
      say(`appended to bench/RESULTS.md, chart in bench/results.svg`);
    }
    say(`bench finished in ${minutes} min${problems ? `, ${problems} round(s) with errors or failed executions` : ''}`);
    return problems > 0 && config.smoke ? 1 : 0;
  } finally {
    for (const engine of engines) await engine.close();
    await wal?.close();
    await client?.connection.close();
    await stack?.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

const RESULTS_HEADER = `# Benchmark results

Appended by \`npm run bench\` (see bench/README.md for what each column means). Engines:
${Object.entries(ENGINE_LABELS)
  .map(([name, label]) => `- **${label}** (\`${name}\`)`)
  .join('\n')}
`;

if (require.main === module) {
  if (process.argv.includes('--help')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  let config: BenchConfig;
  try {
    config = parseBenchArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof BenchUsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  runBench(config).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
