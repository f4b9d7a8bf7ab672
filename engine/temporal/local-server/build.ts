import { spawn } from 'node:child_process';
import { constants as fsConstants, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { readLogTail } from './log-tail';

/** The pinned Temporal server version; the server and its schema tool are built from this module version. */
export const TEMPORAL_VERSION = 'v1.31.2';

/** The Go module the binaries are built from. */
const TEMPORAL_MODULE = 'go.temporal.io/server';

/** Package paths `go install` builds; it names the binaries after the last path element. */
const SERVER_PACKAGE = `${TEMPORAL_MODULE}/cmd/server`;
const SQL_TOOL_PACKAGE = `${TEMPORAL_MODULE}/cmd/tools/sql`;
const SERVER_BINARY = 'server';
const SQL_TOOL_BINARY = 'sql';

/** Where Go usually lives when it is installed but not on PATH (the official tarball location). */
const GO_FALLBACKS = ['/usr/local/go/bin/go'];

/** How often a long build reports that it is still running. */
const PROGRESS_INTERVAL_MS = 15_000;
/** How often a process waiting for another one's build checks the lock. */
const LOCK_POLL_MS = 1_000;
/** A lock older than this is stale even if its pid is alive (pid reuse after a crash). */
const LOCK_MAX_AGE_MS = 60 * 60 * 1000;
/** A lock file without a readable owner (crash between create and write) is stale after this. */
const LOCK_UNREADABLE_GRACE_MS = 10_000;

/** Paths of the built Temporal binaries. */
export interface TemporalBinaries {
  server: string;
  sqlTool: string;
}

/** Thrown when the Temporal binaries cannot be built; the message ends with the tail of the build log. */
export class TemporalBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalBuildError';
  }
}

/** The cache folder of one Temporal version: `<cacheDir>/temporal-<version>`. */
export function temporalVersionDir(cacheDir: string): string {
  return path.join(cacheDir, `temporal-${TEMPORAL_VERSION}`);
}

function binariesIn(binDir: string): TemporalBinaries {
  return { server: path.join(binDir, SERVER_BINARY), sqlTool: path.join(binDir, SQL_TOOL_BINARY) };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function haveBinaries(binaries: TemporalBinaries): Promise<boolean> {
  return (await isExecutable(binaries.server)) && (await isExecutable(binaries.sqlTool));
}

/**
 * Returns the Temporal server and schema-tool binaries of {@link TEMPORAL_VERSION}, building them
 * with `go install` into `<cacheDir>/temporal-<version>/bin` on first use. One process builds at a
 * time (a lock file in the cache dir); others wait for it. The build goes to a temporary folder
 * that is renamed into place, so a half-built binary is never used.
 */
export async function ensureTemporalBinaries(opts: { cacheDir: string; log: Logger }): Promise<TemporalBinaries> {
  const versionDir = temporalVersionDir(opts.cacheDir);
  const binDir = path.join(versionDir, 'bin');
  const binaries = binariesIn(binDir);
  if (await haveBinaries(binaries)) return binaries;

  await fs.mkdir(versionDir, { recursive: true });
  const lockFile = path.join(versionDir, 'build.lock');
  await acquireLock(lockFile, opts.log);
  try {
    // Another process may have finished the build while this one waited for the lock.
    if (await haveBinaries(binaries)) return binaries;
    await build(versionDir, binDir, opts.log);
    return binaries;
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

async function build(versionDir: string, binDir: string, log: Logger): Promise<void> {
  const go = await findGo();
  const buildLog = path.join(versionDir, 'build.log');
  // Only the lock holder builds, so every leftover partial folder is an orphan of a crashed build.
  for (const entry of await fs.readdir(versionDir)) {
    if (entry.startsWith('bin.partial-')) await fs.rm(path.join(versionDir, entry), { recursive: true, force: true });
  }
  const partialDir = path.join(versionDir, `bin.partial-${process.pid}`);
  await fs.mkdir(partialDir, { recursive: true });

  log.info(
    { version: TEMPORAL_VERSION, go, buildLog },
    'building Temporal server from its Go module (first run only, takes several minutes)',
  );
  const started = Date.now();
  const exit = await runGoInstall(go, partialDir, buildLog, () =>
    log.info(
      { version: TEMPORAL_VERSION, elapsedSeconds: Math.round((Date.now() - started) / 1000) },
      'still building Temporal server',
    ),
  );
  if (exit.code !== 0 || !(await haveBinaries(binariesIn(partialDir)))) {
    await fs.rm(partialDir, { recursive: true, force: true });
    const tail = await readLogTail(buildLog);
    const reason = exit.error ? exit.error.message : `go install exited with ${exit.signal ?? exit.code}`;
    throw new TemporalBuildError(
      `building Temporal server ${TEMPORAL_VERSION} failed (${reason}); see ${buildLog}:\n${tail}`,
    );
  }
  // A bin folder that exists here is incomplete (a build from before this lock scheme).
  await fs.rm(binDir, { recursive: true, force: true });
  await fs.rename(partialDir, binDir);
  log.info(
    { version: TEMPORAL_VERSION, seconds: Math.round((Date.now() - started) / 1000), binDir },
    'built Temporal server',
  );
}

interface GoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function runGoInstall(go: string, gobin: string, buildLog: string, onProgress: () => void): Promise<GoExit> {
  return new Promise((resolve) => {
    const out = createWriteStream(buildLog, { flags: 'w' });
    const args = ['install', '-v', `${SERVER_PACKAGE}@${TEMPORAL_VERSION}`, `${SQL_TOOL_PACKAGE}@${TEMPORAL_VERSION}`];
    out.write(`# ${new Date().toISOString()} GOBIN=${gobin} ${go} ${args.join(' ')}\n`);
    const child = spawn(go, args, {
      env: { ...process.env, GOBIN: gobin },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setInterval(onProgress, PROGRESS_INTERVAL_MS);
    let settled = false;
    const finish = (result: GoExit): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      out.end(
        `# ${new Date().toISOString()} exit ${result.signal ?? result.code}${result.error ? ` ${result.error.message}` : ''}\n`,
        () => resolve(result),
      );
    };
    child.on('error', (error) => finish({ code: null, signal: null, error }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

/** The `go` executable: the first on PATH, else the usual install location. */
async function findGo(): Promise<string> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const candidate of [...dirs.map((dir) => path.join(dir, 'go')), ...GO_FALLBACKS]) {
    if (await isExecutable(candidate)) return candidate;
  }
  throw new TemporalBuildError(
    `the Go toolchain is needed once to build Temporal server ${TEMPORAL_VERSION} but 'go' is not on PATH ` +
      `(nor at ${GO_FALLBACKS.join(', ')}); install Go (https://go.dev/dl/) or set TEMPORAL_ADDRESS to use an existing Temporal server`,
  );
}

interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

/** Takes the build lock (a file created with O_EXCL), waiting while a live process holds it and breaking stale ones. */
async function acquireLock(lockFile: string, log: Logger): Promise<void> {
  let announced = false;
  for (;;) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockFile)) {
      log.warn({ lockFile }, 'removing stale Temporal build lock');
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (!announced) {
      log.info({ lockFile }, 'waiting for another process to finish building Temporal server');
      announced = true;
    }
    await sleep(LOCK_POLL_MS);
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
  } catch (err) {
    // Vanished between open and read: not stale, just retry taking it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  let owner: LockOwner;
  try {
    owner = JSON.parse(text) as LockOwner;
  } catch {
    return Date.now() - mtimeMs > LOCK_UNREADABLE_GRACE_MS;
  }
  if (Date.now() - owner.since > LOCK_MAX_AGE_MS) return true;
  // A lock from another host (shared cache dir) cannot be probed; trust it until it ages out.
  if (owner.host !== os.hostname()) return false;
  return !isAlive(owner.pid);
}

/** Whether a process exists (signal 0 probes without delivering anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
