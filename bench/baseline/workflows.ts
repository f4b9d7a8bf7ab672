/**
 * The benchmark workloads written by hand as Temporal workflows: what a developer would write
 * without an interpreter. Each does the same data shaping as its ASL twin in bench/workloads/ and
 * calls the same no-op activity once per Task state — the floor Stepflow is measured against.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

/** Pass → Choice → Task → Pass → Succeed. */
export async function chain(input: { id: string }): Promise<unknown> {
  const prepared = { id: input.id, kind: 'chain' };
  if (prepared.kind !== 'chain') return prepared;
  const result = await noop(prepared);
  const withResult = { ...prepared, result };
  return { id: withResult.id, ok: true };
}

/** Inline Map, at most 50 items at once, results in item order. */
export async function map(input: { items: unknown[] }): Promise<unknown[]> {
  const results: unknown[] = new Array(input.items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < input.items.length) {
      const index = next++;
      results[index] = await noop(input.items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(50, input.items.length) }, lane));
  return results;
}

/** Pass/Choice loop: i = i + 1 while i < n. */
export async function loopPass(input: { i: number; n: number }): Promise<unknown> {
  let state = { i: input.i, n: input.n };
  do {
    state = { i: state.i + 1, n: state.n };
  } while (state.i < state.n);
  return state;
}

/**
 * Temporal events after which the hand-written loop continues as new: Stepflow's default
 * `STEPFLOW_CONTINUE_AS_NEW_EVENTS`, so both pay for the same number of hand-overs.
 */
const LOOP_CONTINUE_AS_NEW_EVENTS = 8_000;

/**
 * Task/Choice loop: one no-op activity per iteration; like Stepflow it continues as new before
 * Temporal's 51,200-event limit (a 20,000-iteration loop needs about 120,000 events).
 */
export async function loopTask(input: { i: number; n: number }): Promise<unknown> {
  let state = { i: input.i, n: input.n };
  do {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= LOOP_CONTINUE_AS_NEW_EVENTS)
      return continueAsNew<typeof loopTask>(state);
    const result = (await noop({ i: state.i, n: state.n })) as { i: number; n: number };
    state = { i: result.i + 1, n: result.n };
  } while (state.i < state.n);
  return state;
}

/** Parallel: `branches` branches of two activities in sequence; outputs in branch order. */
export async function parallel(input: unknown, branches: number): Promise<unknown[]> {
  return Promise.all(Array.from({ length: branches }, async () => noop(await noop(input))));
}

/** Pass → Task → Pass → Choice → Succeed on a large input. */
export async function payload(input: Record<string, unknown>): Promise<unknown> {
  const result = (await noop(input)) as Record<string, unknown>;
  const tagged = { ...result, status: 'done' };
  return tagged.status === 'done' ? tagged : tagged;
}

/** Ends a parked execution early (the benchmark's clean-up; Stepflow's StopExecution signal has the same name). */
export const stopSignal = defineSignal<[unknown]>('stop');

/** Wait until `until` (a timer), then succeed; `stop` ends the wait. */
export async function parked(input: { until: string }): Promise<unknown> {
  let stopped = false;
  setHandler(stopSignal, () => {
    stopped = true;
  });
  await condition(() => stopped, Math.max(1, Date.parse(input.until) - Date.now()));
  return input;
}

/**
 * Distributed Map by hand: a parent starting one child workflow per `batch` items, at most
 * `concurrency` at once, results in child order. Each child builds its batch (the numbers
 * Stepflow's `Items` range yields) and calls the no-op activity once over `{ Items }`, as a
 * Stepflow child runs one Task over its ItemBatcher batch.
 */
export async function dmap(input: { items: number; batch: number; concurrency: number }): Promise<unknown> {
  const children = Math.ceil(input.items / input.batch);
  const results: { n: number }[] = new Array(children);
  const parent = workflowInfo().workflowId;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < children) {
      const index = next++;
      const from = index * input.batch;
      results[index] = await executeChild(dmapChild, {
        workflowId: `${parent}/${index}`,
        args: [{ from, to: Math.min(from + input.batch, input.items) }],
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, children) }, lane));
  return { items: results.reduce((sum, result) => sum + result.n, 0), children: results.length };
}

/** One child of `dmap`: the no-op activity over items `from` … `to - 1`. */
export async function dmapChild(batch: { from: number; to: number }): Promise<{ n: number }> {
  const Items = Array.from({ length: batch.to - batch.from }, (_, k) => batch.from + k);
  const result = (await noop({ Items })) as { Items: unknown[] };
  return { n: result.Items.length };
}
