import { compilePlan } from '../../engine/core/compile';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../../engine/core/interpreter';
import { parseDefinition } from '../../engine/core/validate';
import { NOOP_FUNCTION } from '../baseline/activities';
import type { EngineName } from '../config';
import { taskStateNames, type Workload } from '../workloads';
import type { Engine, RoundResult } from './types';

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const noop = (require(NOOP_FUNCTION) as { handler: Handler }).handler;

/** Runs every execution of a round one after the other in this process; CPU from process.cpuUsage(). */
async function runInProcess(
  engine: EngineName,
  workload: Workload,
  round: string | number,
  runOne: (input: unknown) => Promise<void>,
): Promise<RoundResult> {
  const latenciesMs: number[] = [];
  let failed = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let index = 0; index < workload.executions; index++) {
    const input = workload.input(index, Date.now());
    const started = performance.now();
    try {
      await runOne(input);
    } catch {
      failed++;
    }
    latenciesMs.push(performance.now() - started);
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    engine,
    workload: workload.name,
    round: typeof round === 'number' ? round : 0,
    executions: workload.executions,
    failed,
    wallMs,
    latenciesMs,
    cpuSeconds: { bench: (used.user + used.system) / 1e6 },
  };
}

/** The compiled plan's machine, as the workflow receives it. */
export function planMachine(definition: unknown): TopLevelMachine {
  const parsed = parseDefinition(definition);
  if (!parsed.definition) throw new Error(`invalid bench definition: ${JSON.stringify(parsed.problems)}`);
  return compilePlan(parsed.definition).definition as TopLevelMachine;
}

function executionInfo(name: string): ExecutionInfo {
  return {
    id: `arn:aws:states:us-east-1:123456789012:execution:bench:${name}`,
    name,
    stateMachineId: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
    stateMachineName: 'bench',
    roleArn: 'arn:aws:iam::123456789012:role/bench',
    startTime: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    redriveCount: 0,
  };
}

/** Runs one execution on the pure interpreter; returns its outcome and history. */
export async function interpret(
  machine: TopLevelMachine,
  input: unknown,
): Promise<{ status: string; events: { type: string }[] }> {
  const host = new MemoryHost({
    noop: (payload, invocation) => noop(payload, { idempotencyKey: invocation.idempotencyKey }),
  });
  const run = await runExecution(machine, input, executionInfo('bench'), host);
  return { status: run.outcome.status, events: [...host.written, ...run.pendingEvents] };
}

/** (d) The pure interpreter alone, on MemoryHost (no Temporal, no I/O). */
export function interpreterEngine(): Engine {
  const machines = new Map<Workload, TopLevelMachine>();
  return {
    name: 'interpreter',
    supports: (workload) => !workload.parked && !workload.distributed,
    async run(workload, round) {
      let machine = machines.get(workload);
      if (!machine) machines.set(workload, (machine = planMachine(workload.definition)));
      const ready = machine;
      return runInProcess('interpreter', workload, round, async (input) => {
        const { status } = await interpret(ready, input);
        if (status !== 'SUCCEEDED') throw new Error(status);
      });
    },
    async close() {},
  };
}

/** aws-local-stepfunctions 3.x calls Promise.withResolvers (Node 22); Node 20 lacks it. */
function polyfillWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

interface LocalStateMachine {
  run(input: unknown, options: unknown): { result: Promise<unknown> };
}

/** (c) aws-local-stepfunctions running the same ASL in memory, every Task overridden by the no-op function. */
export function localEngine(): Engine {
  const machines = new Map<
    Workload,
    { machine: LocalStateMachine; handlers: Record<string, (input: unknown) => Promise<unknown>> }
  >();
  return {
    name: 'local',
    supports: (workload) => !workload.parked && !workload.distributed,
    async run(workload, round) {
      let entry = machines.get(workload);
      if (!entry) {
        polyfillWithResolvers();
        const { StateMachine } = (await import('aws-local-stepfunctions')) as unknown as {
          StateMachine: new (definition: unknown, options?: unknown) => LocalStateMachine;
        };
        const handlers = Object.fromEntries(
          taskStateNames(workload.definition).map((name) => [name, (input: unknown) => noop(input, {})]),
        );
        // A copy: the library writes defaults (QueryLanguage) into the definition it is given.
        entry = { machine: new StateMachine(structuredClone(workload.definition)), handlers };
        machines.set(workload, entry);
      }
      const { machine, handlers } = entry;
      return runInProcess('local', workload, round, async (input) => {
        await machine.run(input, { overrides: { taskResourceLocalHandlers: handlers } }).result;
      });
    },
    async close() {},
  };
}
