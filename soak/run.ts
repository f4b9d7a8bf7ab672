/**
 * `npm run soak -- [--executions N] [--seed S] [--short] …`: proof at volume. Starts a stack of
 * its own (Postgres cluster, Temporal server, `stepflow` API/worker processes), runs a seeded
 * mixed workload with poison executions beside it while a fault injector kills processes and
 * restarts Temporal and Postgres, then checks every execution through the API and the
 * functions' evidence. Prints a summary; exits 1 on any violation, 2 on bad usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { createLogger } from '../engine/logger';
import { triggerPoints } from './checks';
import { Driver, identify, type ExecutionRecord, type FaultRecord } from './driver';
import { readEvidence } from './evidence';
import { parseSoakArgs, SoakUsageError, USAGE, type SoakOptions } from './options';
import { POISONS } from './poisons';
import { seededRandom } from './random';
import { summarize } from './report';
import { startResponder } from './responder';
import { SfnClient } from './sfn';
import { startSoakStack, type SoakStack } from './stack';
import { checkWorkflowsClosed, verifyAll } from './verify';
import { drawWorkload, WORKLOADS } from './workloads';

const say = (line: string) => process.stdout.write(`${line}\n`);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** The seeded plan: every execution with its input, the faults and the poisons, before anything runs. */
function plan(options: SoakOptions, dir: string) {
  const random = seededRandom(options.seed);
  const records: ExecutionRecord[] = Array.from({ length: options.executions }, (_, i) => {
    const workload = drawWorkload(random);
    const machine = `soak-${workload.name}`;
    const name = `e${String(i).padStart(6, '0')}`;
    const input = workload.input(random, dir);
    return {
      machine,
      name,
      ...identify(machine, name),
      kind: workload.name,
      input,
      expected: workload.expect(input),
      poison: false,
      accepted: false,
    };
  });
  const planRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const kinds = Array.from({ length: options.faultRounds }, () => planRandom.shuffle(options.faults)).flat();
  const triggers = triggerPoints(kinds.length, options.executions, planRandom.next);
  const faults: FaultRecord[] = kinds.map((kind, i) => ({ kind, trigger: triggers[i] as number }));
  const poisonNames = Array.from({ length: options.poisonRounds }, () => options.poisons).flat();
  const poisons = poisonNames.map((poisonName, i) => {
    const poison = POISONS[poisonName] as (typeof POISONS)[string];
    const machine = `soak-poison-${poison.name}`;
    const name = `p${i}`;
    const record: ExecutionRecord = {
      machine,
      name,
      ...identify(machine, name),
      kind: poison.name,
      input: poison.input(dir),
      poison: true,
      accepted: false,
    };
    return {
      trigger: planRandom.int(Math.floor(options.executions * 0.1), Math.floor(options.executions * 0.9)),
      record,
    };
  });
  return { records, faults, poisons, random: planRandom };
}

async function createMachines(client: SfnClient, options: SoakOptions): Promise<void> {
  const machines = [
    ...WORKLOADS.map((w) => ({ name: `soak-${w.name}`, definition: w.definition })),
    ...options.poisons.map((p) => ({
      name: `soak-poison-${p}`,
      definition: (POISONS[p] as (typeof POISONS)[string]).definition,
    })),
  ];
  for (const machine of machines) {
    await client.call('CreateStateMachine', {
      name: machine.name,
      definition: JSON.stringify(machine.definition),
      roleArn: 'arn:aws:iam::000000000000:role/soak',
    });
  }
}

async function connectTemporal(stack: SoakStack): Promise<Client> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  return new Client({ connection, namespace: stack.namespace });
}

async function soak(options: SoakOptions): Promise<number> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'stepflow-soak');
  const loadBefore = loadavg();
  say(
    `soak: seed ${options.seed}, ${options.executions} executions, ${options.concurrency} open at once; ` +
      `faults ${options.faults.join(', ')} × ${options.faultRounds}; poisons ${options.poisons.join(', ') || 'none'} × ${options.poisonRounds}; ` +
      `processes ${options.roles.map((r) => `${r.role}×${r.count}`).join(', ')}`,
  );
  const stack = await startSoakStack(options.roles, log, options.keep);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let temporal: Promise<Client> | undefined;
  let failed = true;
  const temporalClient = () =>
    (temporal ??= connectTemporal(stack).catch((err) => {
      temporal = undefined;
      throw err;
    }));
  try {
    if (options.keep) say(`data directory (kept): ${stack.dataDir}`);
    const client = new SfnClient(() => stack.apiUrl);
    await createMachines(client, options);
    const { records, faults, poisons, random } = plan(options, stack.evidenceDir);
    const responder = startResponder(client, stack.evidenceDir);
    const driver = new Driver(stack, client, temporalClient, options, random, log);
    const runStarted = Date.now();
    await driver.run(records, poisons, faults);
    await responder.stop();
    say(
      `run finished in ${((Date.now() - runStarted) / 60_000).toFixed(1)} min; verifying ${records.length + poisons.length} executions`,
    );
    const all = [...records, ...poisons.map((p) => p.record)];
    const verdicts = await verifyAll(client, all, readEvidence(stack.evidenceDir));
    const openWorkflows = await checkWorkflowsClosed(await temporalClient(), verdicts);
    const durationMs = Date.now() - runStarted;
    const { text, violations } = summarize({
      seed: options.seed,
      verdicts,
      faults,
      minThrough: options.minThrough,
      unplanned: stack.processes.unplanned,
      temporalDeaths: driver.temporalDeaths,
      responder: responder.stats,
      apiRetries: client.retries,
      runStarted,
      durationMs,
      loadBefore,
      loadAfter: loadavg(),
      cores: os.cpus().length,
      openWorkflows,
    });
    say('');
    say(text);
    say('');
    if (violations.length) {
      say(`FAILED: ${violations.length} violation line(s)`);
      for (const line of violations) say(line);
      const problems = verdicts
        .filter((v) => v.problems.length)
        .map((v) => ({ id: v.record.id, kind: v.record.kind, status: v.status, error: v.error, problems: v.problems }));
      fs.writeFileSync(
        `${stack.dataDir}/violations.json`,
        JSON.stringify({ seed: options.seed, faults, problems }, null, 2),
      );
      say(`logs, evidence and violations.json kept in ${stack.dataDir}`);
      return 1;
    }
    failed = false;
    say(
      'PASSED: every execution ended as its definition implies, with a complete history; nothing lost, stuck or duplicated',
    );
    return 0;
  } finally {
    if (temporal) await (await temporal.catch(() => undefined))?.connection.close().catch(() => undefined);
    if (!stopping) await stack.stop(failed);
  }
}

function main(): void {
  let options: SoakOptions;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof SoakUsageError)) throw err;
    if (err.message) process.stderr.write(`soak: ${err.message}\n`);
    process.stderr.write(USAGE);
    process.exit(err.message ? 2 : 0);
  }
  soak(options).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`soak: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}

main();
