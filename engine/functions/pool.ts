import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../logger';
import { projectRoot } from '../project-root';
import {
  deathFailure,
  FunctionFailure,
  InvocationCancelled,
  ProcessStartFailed,
  raisedFailure,
  type Death,
} from './failures';
import { procUsage } from './proc-usage';
import type { FromRunner, InvocationContext, ToRunner } from './protocol';

/** Limits of the pool (FUNCTIONS_CONCURRENCY, FUNCTIONS_MEMORY_LIMIT_MB, FUNCTIONS_CPU_LIMIT_SECONDS). */
export interface PoolLimits {
  /** Function processes at most, each running one invocation at a time. */
  size: number;
  /** Resident memory of a function process (and its V8 heap limit), MB. */
  memoryMb: number;
  /** CPU time (user + system) one invocation may use, ms. */
  cpuMs: number;
}

export interface PoolOptions {
  functionsDir: string;
  limits: PoolLimits;
  log: Logger;
  /** The runner script (default: the built `runner.js` beside this module). */
  runnerPath?: string;
}

/** One invocation: which function, its event and context, and what cancels it. */
export interface Invocation {
  functionName: string;
  payload: unknown;
  context: InvocationContext;
  signal?: AbortSignal;
  /** Runs once a process is ready, just before the function starts (the host writes `…Started` then). */
  beforeStart?: () => Promise<void>;
}

/** How often the host samples a busy process's CPU time and memory. */
const WATCH_INTERVAL_MS = 50;
/** After cancellation, how long `context.signal`'s listeners get before the process is killed. */
const ABORT_GRACE_MS = 1_000;
/** How much of a process's stderr is kept to recognise V8's out-of-memory report. */
const STDERR_TAIL_CHARS = 4_096;
/** Environment variables a function never sees: the host's database, keys and secrets. */
const HIDDEN_ENV = /^(STEPFLOW_|DATABASE_URL$|TEMPORAL_|PG)/;

/** A forked function process; bound to the first function it runs (one function per process, as Lambda). */
class FunctionProcess {
  functionName?: string;
  busy = false;
  dead = false;
  /** Cancelled, crashed or over a limit: never given another invocation (it is being killed). */
  spent = false;
  stderrTail = '';
  /** Set when the host killed the process for a limit (its exit is then reported as that). */
  killedFor?: Death;
  lastUsed = 0;
  onMessage?: (message: Exclude<FromRunner, { type: 'ready' }>) => void;
  onExit?: (death: Death) => void;
  /** Its runner said `ready`; until then it has run nothing. */
  isReady = false;
  /** Resolves when the runner is ready; rejects with ProcessStartFailed if the process ends before. */
  readonly ready: Promise<void>;
  markReady!: () => void;
  failStart!: (death: Death) => void;

  constructor(readonly child: ChildProcess) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failStart = (death) => reject(new ProcessStartFailed(death));
    });
    // Observed by the invocation that waits for it, if any (a spare process has none).
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  send(message: ToRunner): void {
    if (!this.dead && this.child.connected) this.child.send(message);
  }

  kill(): void {
    this.spent = true;
    if (!this.dead) this.child.kill('SIGKILL');
  }
}

/**
 * A pool of function processes (child processes, one invocation at a time each). A process is
 * reused only for the function it first ran, never shared between functions; a process that
 * exits, crashes, runs out of memory, exceeds its CPU time or is cancelled is killed and
 * replaced. Memory (resident set) and CPU time are read by the host from `/proc`, so a busy or
 * hostile function cannot hide them.
 */
export class FunctionPool {
  private readonly processes = new Set<FunctionProcess>();
  private readonly waiting: (() => void)[] = [];
  private readonly roots: string[];
  private readonly runnerPath: string;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.runnerPath = options.runnerPath ?? path.join(__dirname, 'runner.js');
    this.roots = [path.resolve(options.functionsDir), projectRoot()];
  }

  /** Starts one spare process so the first invocation does not pay the start-up. */
  warm(): void {
    if (this.processes.size < this.options.limits.size) this.spawn();
  }

  /** Runs one invocation in a process of its own; resolves with its result, rejects with a FunctionFailure. */
  async invoke(invocation: Invocation): Promise<unknown> {
    const { signal } = invocation;
    if (signal?.aborted) throw new InvocationCancelled();
    const proc = await this.acquire(invocation.functionName, signal);
    try {
      // A process whose runner cannot load has run nothing: ProcessStartFailed, before `…Started`.
      await this.whenReady(proc, signal);
      await invocation.beforeStart?.();
      // Cancelled (timed out, stopped) while it waited for a process or its start was written:
      // the function never starts, instead of running unaborted with nobody waiting for it.
      if (signal?.aborted) throw new InvocationCancelled();
      return await this.run(proc, invocation);
    } finally {
      this.release(proc);
    }
  }

  /** Kills every process; pending and later invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.processes].map(
      (proc) => new Promise<void>((resolve) => (proc.dead ? resolve() : proc.child.once('exit', () => resolve()))),
    );
    for (const proc of this.processes) proc.kill();
    await Promise.all(exits);
  }

  /** Processes alive now (for tests and metrics). */
  get pids(): number[] {
    return [...this.processes].filter((proc) => !proc.dead).map((proc) => proc.pid);
  }

  private spawn(): FunctionProcess {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !HIDDEN_ENV.test(key)));
    const child = fork(this.runnerPath, [], {
      execArgv: [`--max-old-space-size=${this.options.limits.memoryMb}`],
      env: { ...env, STEPFLOW_FUNCTIONS_DIR: path.resolve(this.options.functionsDir) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const proc = new FunctionProcess(child);
    this.processes.add(proc);
    const log = this.options.log;
    child.stdout
      ?.setEncoding('utf8')
      .on('data', (text: string) =>
        log.info({ pid: proc.pid, fn: proc.functionName, output: text.trimEnd() }, 'function output'),
      );
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      proc.stderrTail = (proc.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      log.info({ pid: proc.pid, fn: proc.functionName, output: text.trimEnd() }, 'function error output');
    });
    child.on('message', (message: FromRunner) => {
      if (message.type === 'ready') {
        proc.isReady = true;
        proc.markReady();
      } else if (proc.onMessage) proc.onMessage(message);
      else if (message.type === 'crash') {
        // An idle process whose stray callback threw: it is spent.
        log.warn({ pid: proc.pid, fn: proc.functionName, err: message.error }, 'idle function process crashed');
        proc.kill();
      }
    });
    child.on('error', (err) => log.warn({ err, pid: proc.pid }, 'function process error'));
    child.on('exit', (code, signal) => {
      proc.dead = true;
      this.processes.delete(proc);
      const outOfMemory = /heap out of memory|Reached heap limit/.test(proc.stderrTail);
      const death: Death =
        proc.killedFor ??
        (outOfMemory ? { kind: 'memory', limitMb: this.options.limits.memoryMb } : { kind: 'exit', code, signal });
      if (!proc.isReady) {
        // Not the function's doing (a missing or unreadable runner, a deployment being replaced): the host's.
        if (!proc.spent)
          log.warn(
            { pid: proc.pid, fn: proc.functionName, death, stderr: proc.stderrTail },
            'function process ended before it was ready',
          );
        proc.failStart(death);
      }
      proc.onExit?.(death);
      this.wakeOne();
    });
    return proc;
  }

  /** An idle process of this function, a fresh one, or one taken from another function. */
  private async acquire(functionName: string, signal?: AbortSignal): Promise<FunctionProcess> {
    for (;;) {
      if (this.closed) throw new Error('function pool closed');
      if (signal?.aborted) throw new InvocationCancelled();
      const idle = [...this.processes].filter((proc) => !proc.busy && !proc.dead && !proc.spent);
      const proc =
        idle.find((candidate) => candidate.functionName === functionName) ??
        idle.find((candidate) => candidate.functionName === undefined) ??
        (this.processes.size < this.options.limits.size ? this.spawn() : undefined);
      if (proc) {
        proc.functionName = functionName;
        proc.busy = true;
        return proc;
      }
      // Full: a process bound to another function makes room (least recently used first).
      const other = idle.sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (other) {
        other.kill();
        await new Promise<void>((resolve) => (other.dead ? resolve() : other.child.once('exit', () => resolve())));
        continue;
      }
      await this.waitForRoom(signal);
    }
  }

  private release(proc: FunctionProcess): void {
    proc.busy = false;
    proc.lastUsed = Date.now();
    proc.onMessage = undefined;
    proc.onExit = undefined;
    this.wakeOne();
  }

  /** Waits until the process's runner is ready, or until the invocation is cancelled. */
  private whenReady(proc: FunctionProcess, signal?: AbortSignal): Promise<void> {
    if (proc.isReady || !signal) return proc.ready;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new InvocationCancelled());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      proc.ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Waits until a process is released or exits, or until the invocation is cancelled. */
  private waitForRoom(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      // A cancelled waiter leaves the queue, so that the next release wakes a live one.
      const onAbort = () => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve();
      };
      this.waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  /** Sends the invocation and settles with its answer, the process's death, a limit, or cancellation. */
  private run(proc: FunctionProcess, invocation: Invocation): Promise<unknown> {
    const { limits } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      const baseline = procUsage(proc.pid)?.cpuMs ?? 0;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        invocation.signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const killFor = (death: Death) => {
        proc.killedFor ??= death;
        proc.kill();
      };
      const watch = setInterval(() => {
        const usage = procUsage(proc.pid);
        if (!usage) return;
        if (usage.rssBytes > limits.memoryMb * 1024 * 1024) killFor({ kind: 'memory', limitMb: limits.memoryMb });
        else if (usage.cpuMs - baseline > limits.cpuMs) killFor({ kind: 'cpu', limitMs: limits.cpuMs });
      }, WATCH_INTERVAL_MS);
      const onAbort = () => {
        proc.spent = true;
        proc.send({ type: 'abort' });
        setTimeout(() => proc.kill(), ABORT_GRACE_MS).unref();
        finish(() => reject(new InvocationCancelled()));
      };
      invocation.signal?.addEventListener('abort', onAbort, { once: true });
      proc.onExit = (death) => finish(() => reject(deathFailure(death)));
      proc.onMessage = (message) => {
        if (message.type === 'crash') {
          this.logRaised(invocation, message.error.stack, 'function crashed');
          proc.kill();
          finish(() => reject(raisedFailure(message.error, this.roots)));
        } else if (message.ok) {
          finish(() => resolve(JSON.parse(message.result)));
        } else {
          this.logRaised(invocation, message.error.stack, 'function failed');
          finish(() => reject(raisedFailure(message.error, this.roots)));
        }
      };
      proc.send({
        type: 'invoke',
        functionName: invocation.functionName,
        payload: invocation.payload,
        context: invocation.context,
      });
    });
  }

  /** Stacks go to the host's log (with the execution), never into a history. */
  private logRaised(invocation: Invocation, stack: string | undefined, message: string): void {
    this.options.log.info(
      {
        executionId: invocation.context.executionId,
        state: invocation.context.stateName,
        fn: invocation.functionName,
        stack,
      },
      message,
    );
  }
}

export { FunctionFailure, InvocationCancelled, ProcessStartFailed };
