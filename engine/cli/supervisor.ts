import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../schemas/config';
import type { Logger } from '../logger';
import { projectRoot } from '../project-root';
import type { LocalTemporal } from '../temporal/local-server';
import { prepareDatabase, startManagedTemporal, temporalAddress } from '../app';

/** Grace period for a child to stop after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 15_000;
/** Restart back-off for a crashed child: doubles from 1 s up to 30 s. */
const MAX_RESTART_DELAY_MS = 30_000;

/** One supervised `stepflow <role>` process, restarted when it exits unexpectedly. */
class Supervised {
  private child?: ChildProcess;
  private stopping = false;
  private delay = 1_000;

  constructor(
    private readonly role: 'api' | 'worker' | 'functions' | 'triggers',
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: Logger,
  ) {}

  start(): void {
    const bin = path.join(projectRoot(), 'bin', 'stepflow.js');
    // Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops the
    // children in order (function host, worker, then API); they exit on their own if it dies.
    const child = spawn(process.execPath, [bin, this.role], { env: this.env, stdio: 'inherit', detached: true });
    this.child = child;
    const startedAt = Date.now();
    this.log.info({ role: this.role, pid: child.pid }, 'process started');
    child.on('exit', (code, signal) => {
      // What the process left behind in its group goes with it (a killed function host's
      // function processes, which a busy loop would keep from noticing their parent is gone).
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // the group is already empty
      }
      if (this.stopping) return;
      if (Date.now() - startedAt > 60_000) this.delay = 1_000;
      this.log.error({ role: this.role, code, signal, restartInMs: this.delay }, 'process exited; restarting');
      setTimeout(() => this.stopping || this.start(), this.delay).unref();
      this.delay = Math.min(this.delay * 2, MAX_RESTART_DELAY_MS);
    });
  }

  /** No restart from now on (the stack is shutting down). */
  retire(): void {
    this.stopping = true;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    this.retire();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
    this.log.info({ role: this.role }, 'process stopped');
  }
}

/** Polls the API's health endpoint until it answers. */
async function waitForApi(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the API did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/**
 * `stepflow up`: the whole stack for one machine — the managed Temporal server (unless
 * `TEMPORAL_ADDRESS` is set), migrations, then the API, one workflow worker, one function host
 * and the triggers process as separate supervised processes. SIGINT/SIGTERM stop them in reverse
 * order, then the Temporal server.
 */
export async function runStack(config: Config, log: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now();
  let temporal: LocalTemporal | undefined;
  const children: Supervised[] = [];
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> =>
    (shuttingDown ??= (async () => {
      log.info({ signal }, 'stopping stepflow');
      for (const child of children) child.retire();
      for (const child of [...children].reverse()) await child.stop();
      await temporal?.stop();
      log.info('stepflow stopped');
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    void shutdown(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (config.TEMPORAL_ADDRESS) {
      log.info({ address: config.TEMPORAL_ADDRESS }, 'using external temporal server');
    } else {
      temporal = await startManagedTemporal(config, log);
    }
    await prepareDatabase(config, log);
    const childEnv = {
      ...env,
      TEMPORAL_ADDRESS: temporalAddress(config),
      STEPFLOW_SUPERVISOR_PID: String(process.pid),
    };
    const api = new Supervised('api', childEnv, log);
    const worker = new Supervised('worker', childEnv, log);
    const functions = new Supervised('functions', childEnv, log);
    const triggers = new Supervised('triggers', childEnv, log);
    children.push(api, worker, functions, triggers);
    api.start();
    worker.start();
    functions.start();
    triggers.start();
    const url = `http://${config.HOST}:${config.PORT}`;
    await waitForApi(url);
    log.info({ url, temporal: temporalAddress(config), ms: Date.now() - started }, 'stepflow ready');
    process.stdout.write(
      `\nStepflow is running.\n  API:      ${url}\n  Temporal: ${temporalAddress(config)}\nPress Ctrl-C to stop.\n\n`,
    );
  } catch (err) {
    log.fatal({ err }, 'stepflow failed to start');
    await shutdown('startup-failure');
    process.exit(1);
  }
}
