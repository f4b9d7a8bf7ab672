import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir, loadConfig } from '../../engine/config';
import { dropDatabase } from '../../engine/db/pool';
import type { Logger } from '../../engine/logger';
import {
  dropTemporalDatabases,
  startLocalTemporal,
  type LocalTemporal,
  type TemporalPg,
} from '../../engine/temporal/local-server';
import { allPorts, temporalPorts } from '../../engine/temporal/local-server/config';
import { busyPorts } from '../../engine/temporal/local-server/process';
import {
  ComposeError,
  rewriteHealthcheckArg,
  rewriteValue,
  startOrder,
  type ComposeService,
  type HostMapping,
} from './compose';
import type { AssembledImage } from './image';

/** How long a one-shot service (a `service_completed_successfully` dependency) may run. */
const ONE_SHOT_TIMEOUT_MS = 180_000;
/** After SIGTERM, how long a service gets before SIGKILL. */
const STOP_GRACE_MS = 20_000;

/** Third-party images the check stands in for with real local servers. */
export type StandInKind = 'postgres' | 'temporal';

/** Which stand-in serves a third-party image, if any (`postgres:16`, `temporalio/auto-setup:1.31.2`). */
export function standInFor(image: string | undefined): StandInKind | undefined {
  if (!image) return undefined;
  const repo = image
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '')
    .split(':')[0];
  if (repo === 'postgres') return 'postgres';
  if (repo === 'temporalio/auto-setup' || repo === 'temporalio/server') return 'temporal';
  return undefined;
}

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running container of a Stepflow service. */
interface Container {
  label: string;
  child: ChildProcess;
  exit: Promise<ExitStatus>;
  exited?: ExitStatus;
  logFile: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  map: HostMapping;
}

export interface RunTopologyOptions {
  services: ComposeService[];
  image: AssembledImage;
  /** Scratch directory (service logs, the Temporal server's files). */
  workDir: string;
  /** The Postgres server the stand-in uses (`postgres://user@host:port/`). */
  postgresServer: URL;
  /** Prefix of every database the check creates (dropped at the end). */
  runId: string;
  /** A running Temporal server to stand in for the Temporal image instead of starting one. */
  temporalAddress?: string;
  report(line: string): void;
  log: Logger;
}

/** The running topology: where its containers' ports are, and `stop()` to tear everything down. */
export interface RunningTopology {
  /** `http://127.0.0.1:<port>` for each container port (`ports`, `expose`) of a service, by service name. */
  published: Record<string, string[]>;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function temporalPortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await busyPorts(allPorts(temporalPorts(base)))).length === 0) return base;
  }
  throw new ComposeError('no free port range for the Temporal stand-in');
}

function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Runs a healthcheck argv with the container's environment; true when it exits 0 within its timeout. */
function runProbe(argv: string[], container: Container, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const probe = spawn(argv[0] as string, argv.slice(1), {
      cwd: container.cwd,
      env: container.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    probe.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    probe.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => probe.kill('SIGKILL'), timeoutMs);
    probe.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, output: err.message });
    });
    probe.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, output: signal ? `${output}(killed: timeout ${timeoutMs} ms)` : output });
    });
  });
}

/**
 * Compose's health rule: the test runs every `interval` (the first after one interval), failures
 * during `start_period` do not count, and `retries` consecutive failures make it unhealthy. A
 * container that exits is unhealthy at once (compose would restart it: that is the crash loop the
 * check exists to catch).
 */
async function waitHealthy(service: ComposeService, container: Container): Promise<void> {
  const check = service.healthcheck;
  if (!check)
    throw new ComposeError(
      `${container.label}: no healthcheck, so nothing can tell that it started; give the service one`,
    );
  const argv = check.argv.map((arg) => rewriteHealthcheckArg(arg, container.map));
  const started = Date.now();
  let failures = 0;
  let last = '';
  for (;;) {
    await Promise.race([sleep(check.intervalMs, undefined, { ref: false }), container.exit]);
    if (container.exited) {
      throw new ComposeError(
        `${container.label} exited (${container.exited.signal ?? container.exited.code}) before it was healthy; its output:\n${logTail(container.logFile)}`,
      );
    }
    const probe = await runProbe(argv, container, check.timeoutMs);
    if (probe.ok) return;
    last = probe.output.trim();
    if (Date.now() - started >= check.startPeriodMs) failures += 1;
    if (failures >= check.retries) {
      throw new ComposeError(
        `${container.label} is unhealthy: ${check.retries} healthchecks failed (last: ${last || 'no output'}); its output:\n${logTail(container.logFile)}`,
      );
    }
  }
}

/**
 * Starts the topology in compose's order, each Stepflow service (one built from the Dockerfile) as
 * its `entrypoint` + `command` run from the assembled image, with the service's environment, in
 * as many replicas as `deploy.replicas` says. What compose would reach over its network is
 * mapped onto this machine (see {@link rewriteValue}): only the host names of the stand-ins, the
 * database names (the check's own), each container's own ports and its container paths change.
 * Postgres and Temporal images are stood in for by this machine's Postgres and a local Temporal
 * server of the check's own; a one-shot service (another depends on it completing) must exit 0;
 * every other Stepflow service must become healthy, then pass its healthcheck once more.
 */
export async function runTopology(opts: RunTopologyOptions): Promise<RunningTopology> {
  const containers: Container[] = [];
  const published: Record<string, string[]> = {};
  const hosts: Record<string, string> = {};
  const databases: Record<string, string> = {};
  const pg: TemporalPg = {
    host: opts.postgresServer.hostname,
    port: Number(opts.postgresServer.port || 5432),
    user: decodeURIComponent(opts.postgresServer.username) || 'postgres',
  };
  let temporal: { server: LocalTemporal; databases: { main: string; visibility: string } } | undefined;
  const ordered = startOrder(opts.services);
  const oneShot = new Set(
    ordered.flatMap((service) =>
      Object.entries(service.dependsOn)
        .filter(([, condition]) => condition === 'service_completed_successfully')
        .map(([dep]) => dep),
    ),
  );
  const imageRoot = opts.image.root;

  const stop = async (): Promise<void> => {
    for (const container of [...containers].reverse()) {
      if (container.exited) continue;
      container.child.kill('SIGTERM');
      const done = await Promise.race([
        container.exit.then(() => true),
        sleep(STOP_GRACE_MS, undefined, { ref: false }).then(() => false),
      ]);
      if (!done) {
        opts.report(`${container.label}: no exit ${STOP_GRACE_MS / 1000} s after SIGTERM; SIGKILL`);
        process.kill(-(container.child.pid as number), 'SIGKILL');
        await container.exit;
      }
    }
    await temporal?.server.stop();
    for (const name of Object.values(databases)) {
      const url = new URL(opts.postgresServer.toString());
      url.pathname = `/${name}`;
      await dropDatabase(url.toString()).catch((err) => opts.log.warn({ err, database: name }, 'drop failed'));
    }
    if (temporal)
      await dropTemporalDatabases({ pg, databases: temporal.databases, log: opts.log }).catch((err) =>
        opts.log.warn({ err }, 'drop failed'),
      );
  };

  try {
    for (const service of ordered) {
      const started = Date.now();
      if (!service.build) {
        const kind = standInFor(service.image);
        if (kind === 'postgres') {
          hosts[service.name] = `${pg.host}:${pg.port}`;
          opts.report(`${service.name} (${service.image}): stood in for by the Postgres at ${hosts[service.name]}`);
        } else if (kind === 'temporal' && opts.temporalAddress) {
          hosts[service.name] = opts.temporalAddress;
          opts.report(
            `${service.name} (${service.image}): stood in for by the Temporal server at ${opts.temporalAddress}`,
          );
        } else if (kind === 'temporal') {
          const temporalDbs = { main: `${opts.runId}_temporal`, visibility: `${opts.runId}_visibility` };
          const server = await startLocalTemporal({
            dataDir: opts.workDir,
            portBase: await temporalPortBase(),
            pg,
            databases: temporalDbs,
            namespace: service.environment.DEFAULT_NAMESPACE || 'default',
            cacheDir: cacheDir(loadConfig({})),
            log: opts.log,
          });
          temporal = { server, databases: temporalDbs };
          hosts[service.name] = server.address;
          opts.report(
            `${service.name} (${service.image}): stood in for by a local Temporal server at ${server.address} (${Date.now() - started} ms)`,
          );
        } else {
          const dependents = ordered.filter((other) => service.name in other.dependsOn && other.build);
          if (dependents.length > 0)
            throw new ComposeError(
              `${dependents.map((d) => d.name).join(', ')} depend on ${service.name} (${service.image}), which the check cannot stand in for`,
            );
          opts.report(`${service.name} (${service.image}): third-party image no Stepflow service depends on; not run`);
        }
        continue;
      }

      // The Stepflow databases of this run: compose's names under the run's prefix.
      for (const value of Object.values(service.environment)) {
        const db = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^:/]+)(?::\d+)?\/([^?#]+)/i.exec(value);
        if (db && hosts[db[1] as string]) databases[db[2] as string] ??= `${opts.runId}_${db[2]}`;
      }
      const argv = [
        ...(service.entrypoint ?? opts.image.stage.entrypoint ?? []),
        ...(service.command ?? (service.entrypoint ? [] : (opts.image.stage.cmd ?? []))),
      ];
      if (argv.length === 0)
        throw new ComposeError(`${service.name}: neither the service nor the image says what to run`);
      const mine: Container[] = [];
      for (let replica = 1; replica <= service.replicas; replica++) {
        const ports: Record<number, number> = {};
        for (const port of service.containerPorts) ports[port] = await freePort();
        const map: HostMapping = {
          hosts,
          databases,
          ports,
          paths: [...service.mounts, { target: '/', source: imageRoot }],
        };
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: opts.workDir };
        for (const [key, value] of Object.entries({ ...opts.image.stage.env, ...service.environment }))
          env[key] = rewriteValue(value, map);
        const cwd = rewriteValue(service.workingDir ?? opts.image.stage.workdir, map);
        const label = service.replicas > 1 ? `${service.name}[${replica}/${service.replicas}]` : service.name;
        const logFile = path.join(opts.workDir, `${service.name}-${replica}.log`);
        const out = fs.openSync(logFile, 'a');
        const child = spawn(argv[0] as string, argv.slice(1), {
          cwd,
          env,
          stdio: ['ignore', out, out],
          detached: true,
        });
        fs.closeSync(out);
        // 'close' also follows a failed spawn ('error'), so a container always ends.
        const exit = new Promise<ExitStatus>((resolve) =>
          child.once('close', (code, signal) => resolve({ code, signal })),
        );
        child.once('error', (err) => fs.appendFileSync(logFile, `cannot run ${argv[0]}: ${err.message}\n`));
        const container: Container = { label, child, logFile, env, cwd, map, exit };
        void exit.then((status) => (container.exited = status));
        containers.push(container);
        mine.push(container);
        for (const [target, port] of Object.entries(ports))
          if (service.containerPorts.includes(Number(target)))
            (published[service.name] ??= []).push(`http://127.0.0.1:${port}`);
      }
      opts.report(`${service.name}: ${argv.join(' ')} × ${service.replicas}`);

      if (oneShot.has(service.name)) {
        for (const container of mine) {
          const result = await Promise.race([
            container.exit,
            sleep(ONE_SHOT_TIMEOUT_MS, undefined, { ref: false }).then(() => undefined),
          ]);
          if (!result)
            throw new ComposeError(
              `${container.label} did not finish within ${ONE_SHOT_TIMEOUT_MS / 1000} s; its output:\n${logTail(container.logFile)}`,
            );
          if (result.code !== 0)
            throw new ComposeError(
              `${container.label} exited ${result.signal ?? result.code}, but ${[...ordered]
                .filter((o) => o.dependsOn[service.name] === 'service_completed_successfully')
                .map((o) => o.name)
                .join(', ')} need it to complete successfully; its output:\n${logTail(container.logFile)}`,
            );
          opts.report(`${container.label}: completed successfully (${Date.now() - started} ms)`);
        }
        continue;
      }
      // Replicas start together, as compose starts them; reported in replica order.
      const healthy = await Promise.all(
        mine.map(async (container) => {
          await waitHealthy(service, container);
          const check = service.healthcheck as NonNullable<ComposeService['healthcheck']>;
          const again = await runProbe(
            check.argv.map((arg) => rewriteHealthcheckArg(arg, container.map)),
            container,
            check.timeoutMs,
          );
          if (!again.ok)
            throw new ComposeError(`${container.label}: healthy, then its healthcheck failed: ${again.output.trim()}`);
          return `${container.label}: healthy, healthcheck passes (${Date.now() - started} ms)`;
        }),
      );
      healthy.forEach((line) => opts.report(line));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { published, stop };
}
