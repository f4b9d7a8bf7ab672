/**
 * `node dist/bench/function-isolation.js [count]`: the per-invocation cost of running functions
 * in isolated processes. Invokes a trivial function `count` times (default 1,000) in-process, as
 * the workflow worker did before the function host (FunctionRegistry), then through a warm
 * FunctionPool process (IPC, /proc watchdog), and prints the median and p99 latencies.
 */
import path from 'node:path';
import { FunctionRegistry } from '../activities/functions';
import { FunctionPool } from '../engine/functions/pool';
import { createLogger } from '../engine/logger';
import { quantile } from './metrics';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'functions');
const context = { idempotencyKey: 'k', executionId: 'bench:run', stateName: 'Add', functionName: 'add' };

async function measure(count: number, invoke: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 50; i++) await invoke(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await invoke(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const registry = new FunctionRegistry(FIXTURES);
  const signal = new AbortController().signal;
  const inProcess = await measure(count, async (i) => {
    const handler = await registry.get('add');
    return JSON.parse(JSON.stringify(await handler({ a: i, b: 1 }, { ...context, signal })));
  });
  const pool = new FunctionPool({
    functionsDir: FIXTURES,
    limits: { size: 1, memoryMb: 512, cpuMs: 60_000 },
    log: createLogger('silent'),
  });
  const isolated = await measure(count, (i) => pool.invoke({ functionName: 'add', payload: { a: i, b: 1 }, context }));
  await pool.close();
  const row = (name: string, times: number[]) =>
    `${name.padEnd(28)} median ${quantile(times, 0.5).toFixed(3)} ms   p99 ${quantile(times, 0.99).toFixed(3)} ms`;
  process.stdout.write(
    `${count} invocations of a trivial function\n${row('in process (before)', inProcess)}\n${row('function process (after)', isolated)}\n`,
  );
}

void main();
