import { StatesError } from '../errors';
import type { HistoryEvent } from '../../../schemas/history';
import type { InterpreterHost, TaskInvocation } from './types';

/** A function as the in-memory host runs it. */
export type MemoryFunction = (payload: unknown, invocation: TaskInvocation) => unknown | Promise<unknown>;

/**
 * An in-memory host for the interpreter (unit tests, TestState, benchmarks): functions from a
 * map, a virtual clock that `sleep` advances, a seeded pseudo-random source. Deterministic.
 */
export class MemoryHost implements InterpreterHost {
  /** Every event the interpreter handed over (written "durably"). */
  readonly written: HistoryEvent[] = [];
  /** Every invocation, in order. */
  readonly invocations: TaskInvocation[] = [];
  private clock: number;
  private seed: number;

  constructor(
    private readonly functions: Record<string, MemoryFunction>,
    options: { startTime?: number; seed?: number } = {},
  ) {
    this.clock = options.startTime ?? Date.UTC(2026, 0, 1);
    this.seed = options.seed ?? 42;
  }

  now(): number {
    return this.clock;
  }

  /** mulberry32: small, seeded, good enough for jitter and UUIDs in tests. */
  random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  async invokeTask(invocation: TaskInvocation): Promise<{ result: unknown; startedAt: number }> {
    this.invocations.push(invocation);
    this.written.push(...invocation.pendingEvents);
    const fn = this.functions[invocation.functionName];
    if (!fn) throw new StatesError('Lambda.ResourceNotFoundException', `Function not found: ${invocation.functionName}`);
    const startedAt = this.clock;
    try {
      return { result: await fn(invocation.payload, invocation), startedAt };
    } catch (err) {
      if (err instanceof StatesError) throw err;
      const error = err instanceof Error ? err : new Error(String(err));
      throw new StatesError(error.name, JSON.stringify({ errorType: error.name, errorMessage: error.message }));
    }
  }

  async sleep(ms: number, pendingEvents: HistoryEvent[]): Promise<void> {
    this.written.push(...pendingEvents);
    this.clock += ms;
  }
}
