import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A `stepflow <role>` process kind the soak runs, and how many of it. */
export interface RoleSpec {
  role: string;
  count: number;
}

/**
 * The processes of the soak's stack, each of which the fault injector may SIGKILL (`kill-<role>`).
 * A new process kind is one line here (or `--roles api=1,worker=2,functions=1`).
 */
export const DEFAULT_ROLES: readonly RoleSpec[] = [
  { role: 'api', count: 1 },
  { role: 'worker', count: 2 },
  { role: 'functions', count: 1 },
];

/** A process that ended without the soak asking it to. */
export interface UnplannedExit {
  role: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: number;
  log: string;
}

interface Managed {
  role: string;
  index: number;
  child: ChildProcess;
  log: string;
  /** Set when the soak kills it on purpose (no restart, not unplanned). */
  planned: boolean;
}

/**
 * Runs the stack's `stepflow` processes like a supervisor: each role's processes from
 * `bin/stepflow.js`, output in `<dataDir>/<role>-<n>.log`; one that exits unasked is recorded
 * and restarted after a second (as `npm start`'s supervisor would).
 */
export class ProcessManager {
  readonly unplanned: UnplannedExit[] = [];
  private readonly running = new Map<string, Managed>();
  private stopped = false;
  private spawned = 0;

  constructor(
    private readonly root: string,
    private readonly dataDir: string,
    private readonly env: (role: string) => NodeJS.ProcessEnv,
  ) {}

  /** Starts `count` processes of each role. */
  startAll(roles: readonly RoleSpec[]): void {
    for (const { role, count } of roles) for (let i = 0; i < count; i++) this.start(role, i);
  }

  /** Pids of a role's live processes. */
  pids(role: string): number[] {
    return [...this.running.values()].filter((m) => m.role === role).map((m) => m.child.pid as number);
  }

  private start(role: string, index: number): void {
    const log = path.join(this.dataDir, `${role}-${index}-${++this.spawned}.log`);
    const out = fs.openSync(log, 'a');
    const child = spawn(process.execPath, [path.join(this.root, 'bin', 'stepflow.js'), role], {
      env: this.env(role),
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    const managed: Managed = { role, index, child, log, planned: false };
    const key = `${role}-${index}`;
    this.running.set(key, managed);
    child.once('exit', (code, signal) => {
      if (this.running.get(key) === managed) this.running.delete(key);
      if (managed.planned || this.stopped) return;
      this.unplanned.push({ role, pid: child.pid as number, code, signal, at: Date.now(), log });
      setTimeout(() => {
        if (!this.stopped && !this.running.has(key)) this.start(role, index);
      }, 1_000).unref();
    });
  }

  /**
   * SIGKILLs the role's processes (all, or one picked by `pick`) and starts replacements once
   * they are gone; returns the pids killed.
   */
  async kill(role: string, which: 'one' | 'all', pick: (n: number) => number): Promise<number[]> {
    const victims = [...this.running.entries()].filter(([, m]) => m.role === role);
    const chosen =
      which === 'all' ? victims : victims.length ? [victims[pick(victims.length)] as (typeof victims)[number]] : [];
    const exits = chosen.map(([, m]) => new Promise((resolve) => m.child.once('exit', resolve)));
    for (const [, m] of chosen) {
      m.planned = true;
      m.child.kill('SIGKILL');
    }
    await Promise.all(exits);
    for (const [key, m] of chosen) {
      if (this.running.get(key) === m) this.running.delete(key);
      this.start(m.role, m.index);
    }
    return chosen.map(([, m]) => m.child.pid as number);
  }

  /** SIGTERM to every process, SIGKILL after `graceMs`; no restarts from now on. */
  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopped = true;
    const all = [...this.running.values()];
    const exits = all.map((m) =>
      m.child.exitCode !== null || m.child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => m.child.once('exit', resolve)),
    );
    for (const m of all) {
      m.planned = true;
      m.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => all.forEach((m) => m.child.kill('SIGKILL')), graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
    this.running.clear();
  }
}

/** Parses `api=1,worker=2` into role specs. */
export function parseRoles(text: string): RoleSpec[] {
  return text.split(',').map((part) => {
    const [role, count] = part.split('=');
    const n = Number(count ?? 1);
    if (!role || !/^[a-z-]+$/.test(role) || !Number.isInteger(n) || n < 1)
      throw new Error(`--roles: bad entry '${part}' (want role=count)`);
    return { role, count: n };
  });
}
