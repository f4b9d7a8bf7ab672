import fs from 'node:fs';
import path from 'node:path';
import { MAX_INLINE_MAP_ITEMS } from '../../engine/core/interpreter/bounds';
import type { Sizes, WorkloadName } from '../config';

/** Where the committed ASL definitions live (the source folder, also when running from dist/). */
export const WORKLOADS_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'workloads');

/** What one round of a workload runs on every engine. */
export interface Workload {
  name: WorkloadName;
  /** The ASL definition, adjusted to the sizes. */
  definition: Record<string, unknown>;
  /** Executions per round. */
  executions: number;
  /** Input of execution `index`; `wakeAt` (epoch ms) is where parked executions resume. */
  input(index: number, wakeAt: number): unknown;
  /** The hand-written Temporal workflow of the same workload (bench/baseline/workflows.ts). */
  baselineWorkflow: string;
  /** Arguments of the hand-written workflow for an execution's input. */
  baselineArgs(input: unknown): unknown[];
  /** Executions park in a Wait state (measured for memory, woken together). */
  parked: boolean;
  /** The sizes, for the report. */
  sizeText: string;
  /**
   * A Distributed Map (one execution fanning out to child executions): its items and children.
   * Its rate is items/s (the report's transitions are its items), and only the Temporal-backed
   * engines run it.
   */
  distributed?: { items: number; children: number };
}

function readDefinition(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(WORKLOADS_DIR, `${name}.asl.json`), 'utf8'));
}

/** A JSON document of about `kib` KiB: an array of order-like records (deterministic). */
export function payloadOf(kib: number): { records: unknown[] } {
  const records: unknown[] = [];
  let bytes = 14;
  for (let i = 0; bytes < kib * 1024 - 200; i++) {
    const record = {
      id: `order-${String(i).padStart(6, '0')}`,
      customer: { name: `Customer ${i % 97}`, tier: ['gold', 'silver', 'bronze'][i % 3] },
      lines: [
        { sku: `SKU-${(i * 7919) % 100000}`, qty: (i % 5) + 1, price: ((i * 31) % 1000) / 10 },
        { sku: `SKU-${(i * 104729) % 100000}`, qty: (i % 3) + 1, price: ((i * 17) % 1000) / 10 },
      ],
      note: 'lorem ipsum dolor sit amet',
    };
    bytes += JSON.stringify(record).length + 1;
    records.push(record);
  }
  return { records };
}

/** Builds a workload at the given sizes. */
export function buildWorkload(name: WorkloadName, sizes: Sizes): Workload {
  const definition = readDefinition(name);
  const plain = { baselineArgs: (input: unknown) => [input], parked: false };
  if (name === 'dmap') return distributedMap(definition, sizes.dmap);
  switch (name) {
    case 'chain':
      return {
        ...plain,
        name,
        definition,
        executions: sizes.chain.executions,
        input: (index) => ({ id: `c-${index}` }),
        baselineWorkflow: 'chain',
        sizeText: `${sizes.chain.executions} executions`,
      };
    case 'map': {
      const items = Array.from({ length: sizes.map.items }, (_, index) => ({ index }));
      return {
        ...plain,
        name,
        definition,
        executions: 1,
        input: () => ({ items }),
        baselineWorkflow: 'map',
        sizeText: `1 execution x ${sizes.map.items} items, MaxConcurrency 50`,
      };
    }
    case 'loop-pass':
    case 'loop-task': {
      const n = sizes[name].iterations;
      return {
        ...plain,
        name,
        definition,
        executions: 1,
        input: () => ({ i: 0, n }),
        baselineWorkflow: name === 'loop-pass' ? 'loopPass' : 'loopTask',
        sizeText: `1 execution x ${n} iterations`,
      };
    }
    case 'parallel': {
      const { branches, executions } = sizes.parallel;
      const fork = (definition.States as Record<string, { Branches: unknown[] }>).Fork;
      if (branches > fork.Branches.length) throw new Error(`parallel.asl.json has ${fork.Branches.length} branches; asked for ${branches}`);
      fork.Branches = fork.Branches.slice(0, branches);
      return {
        ...plain,
        name,
        definition,
        executions,
        input: (index) => ({ id: `p-${index}` }),
        baselineWorkflow: 'parallel',
        baselineArgs: (input) => [input, branches],
        sizeText: `${executions} executions x ${branches} branches x 2 Tasks`,
      };
    }
    case 'payload': {
      const { executions, kib } = sizes.payload;
      const body = payloadOf(kib);
      return {
        ...plain,
        name,
        definition,
        executions,
        input: (index) => ({ id: `l-${index}`, ...body }),
        baselineWorkflow: 'payload',
        sizeText: `${executions} executions x ${kib} KiB input`,
      };
    }
    case 'parked':
      return {
        ...plain,
        name,
        definition,
        executions: sizes.parked.executions,
        input: (index, wakeAt) => ({ id: `w-${index}`, until: new Date(wakeAt).toISOString() }),
        baselineWorkflow: 'parked',
        parked: true,
        sizeText: `${sizes.parked.executions} executions parked at once`,
      };
  }
}

/**
 * `dmap`: a Distributed Map over `items` numbers generated in the Map's `Items` (JSONata range:
 * a 100,000-item list in the input would exceed the 256 KiB input limit), `batch` items per
 * child execution (ItemBatcher), `concurrency` children at once; the hand-written twin starts
 * the same children from a parent workflow (bench/baseline/workflows.ts `dmap`).
 */
function distributedMap(definition: Record<string, unknown>, size: Sizes['dmap']): Workload {
  const fan = (definition.States as Record<string, Record<string, unknown>>).Fan;
  fan.ItemBatcher = { MaxItemsPerBatch: size.batch };
  fan.MaxConcurrency = size.concurrency;
  const children = Math.ceil(size.items / size.batch);
  const ranged = size.items > MAX_INLINE_MAP_ITEMS;
  if (ranged) {
    // Past MAX_INLINE_MAP_ITEMS, items from the input are bounded to 1.5 MiB of JSON (and the
    // recorded runs predate distributed-map-uncapped-v1): the Map's items are the batches' ranges,
    // and each child builds its batch from its range, as the hand-written child does.
    fan.Items = `{% [0..${children - 1}] %}`;
    delete fan.ItemBatcher;
    fan.ItemSelector = {
      from: `{% $states.context.Map.Item.Value * ${size.batch} %}`,
      to: `{% $min([($states.context.Map.Item.Value + 1) * ${size.batch}, ${size.items}]) %}`,
    };
    const processor = fan.ItemProcessor as { States: Record<string, Record<string, unknown>> };
    processor.States.Batch.Arguments = "{% {'Items': [$states.input.from .. $states.input.to - 1]} %}";
  }
  return {
    name: 'dmap',
    definition,
    executions: 1,
    input: () => ({ n: size.items }),
    baselineWorkflow: 'dmap',
    baselineArgs: () => [{ items: size.items, batch: size.batch, concurrency: size.concurrency }],
    parked: false,
    sizeText: `1 execution x ${size.items} items, ${size.batch} items per child (${children} child executions${ranged ? ', items as ranges' : ', ItemBatcher'}), MaxConcurrency ${size.concurrency}`,
    distributed: { items: size.items, children },
  };
}

/** Names of every Task state, at any depth (aws-local-stepfunctions overrides them by name). */
export function taskStateNames(machine: unknown): string[] {
  const names: string[] = [];
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') names.push(name);
      for (const branch of (state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? []) visit(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, Record<string, unknown>> } | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit((machine as { States: Record<string, Record<string, unknown>> }).States);
  return names;
}
