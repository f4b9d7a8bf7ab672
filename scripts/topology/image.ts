import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sourceMatcher } from './build-context';
import { DockerfileError, nodeImageMajor, parseDockerfile, type CopyInstruction, type Stage } from './dockerfile';

/** One file a COPY puts into the image: its path in the build context and in the container. */
export interface PlannedFile {
  src: string;
  dest: string;
}

/**
 * The files a COPY from the build context puts into the image, as Docker resolves them: a file
 * source lands at `dest` (or `dest/<name>` when `dest` ends with `/` or there are several
 * sources), a directory source's contents land under `dest`, wildcards match within one path
 * segment, and relative destinations resolve against the WORKDIR. A source that is not in the
 * context (missing, or excluded by `.dockerignore`) fails the build, as it fails `docker build`.
 */
export function planContextCopy(copy: CopyInstruction, workdir: string, context: readonly string[]): PlannedFile[] {
  const dest = path.posix.resolve(workdir, copy.dest);
  const intoDir =
    copy.dest.endsWith('/') ||
    copy.sources.length > 1 ||
    copy.sources.some((source) => sourceMatcher(source) !== undefined);
  const planned: PlannedFile[] = [];
  for (const raw of copy.sources) {
    const source = path.posix
      .normalize(raw)
      .replace(/^(\.\/|\/)+/, '')
      .replace(/\/+$/, '');
    const matcher = sourceMatcher(source);
    const roots = new Set<string>();
    for (const file of context) {
      if (source === '.' || source === '') roots.add('.');
      else if (matcher) {
        const segments = file.split('/');
        const depth = source.split('/').length;
        const prefix = segments.slice(0, depth).join('/');
        if (segments.length >= depth && matcher.test(prefix)) roots.add(prefix);
      } else if (file === source || file.startsWith(`${source}/`)) roots.add(source);
    }
    if (roots.size === 0)
      throw new DockerfileError(
        `line ${copy.line}: COPY ${raw}: not in the build context (missing, or excluded by .dockerignore)`,
      );
    for (const root of roots) {
      if (root !== '.' && context.includes(root)) {
        planned.push({ src: root, dest: intoDir ? path.posix.join(dest, path.posix.basename(root)) : dest });
        continue;
      }
      for (const file of context) {
        if (root === '.') planned.push({ src: file, dest: path.posix.join(dest, file) });
        else if (file.startsWith(`${root}/`))
          planned.push({ src: file, dest: path.posix.join(dest, file.slice(root.length + 1)) });
      }
    }
  }
  return planned;
}

/** An image assembled on disk: container path `/x` of the final stage is `<root>/x`. */
export interface AssembledImage {
  root: string;
  stage: Stage;
  /** Per stage, the files its COPYs took from the build context (container paths). */
  contextFiles: Record<string, string[]>;
}

/** Thrown when a RUN step of the emulated build fails; carries the step's output. */
export class ImageBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

export interface AssembleOptions {
  contextDir: string;
  /** The build context's files (from {@link listBuildContext}). */
  context: readonly string[];
  dockerfile: string;
  /** An empty directory; each stage gets `<outDir>/<index>-<name>/` as its filesystem root. */
  outDir: string;
  /** Progress lines. */
  report(line: string): void;
}

/**
 * Emulates `docker build` on this machine: each stage's COPYs put exactly the files Docker would
 * into a directory standing for the stage's filesystem, and its RUN lines run there (cwd = the
 * WORKDIR, environment = the stage's ENV plus PATH and HOME, so npm reuses its cache, see
 * {@link NPM_QUIET}). The base
 * image contributes only Node: the check refuses a `node:<major>` base whose major differs from
 * the Node running it.
 */
export async function assembleImage(opts: AssembleOptions): Promise<AssembledImage> {
  const stages = parseDockerfile(opts.dockerfile);
  const roots = new Map<string, string>();
  const contextFiles: Record<string, string[]> = {};
  const localMajor = Number(process.versions.node.split('.')[0]);
  for (const [index, stage] of stages.entries()) {
    const major = nodeImageMajor(stage.image);
    if (major !== undefined && major !== localMajor) {
      throw new ImageBuildError(
        `stage ${stage.name} is based on ${stage.image} but this machine runs Node ${process.versions.node}: the emulated build would not be the image's`,
      );
    }
    const root = path.join(opts.outDir, `${index}-${stage.name}`);
    fs.mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    contextFiles[stage.name] = [];
    for (const step of stage.steps) {
      if (step.kind === 'COPY') {
        if (step.from === undefined) {
          for (const file of planContextCopy(step, step.workdir, opts.context)) {
            copyInto(path.join(opts.contextDir, file.src), path.join(root, file.dest));
            contextFiles[stage.name]?.push(file.dest);
          }
        } else {
          const fromRoot = roots.get(step.from);
          if (!fromRoot)
            throw new DockerfileError(
              `line ${step.line}: COPY --from=${step.from}: no earlier stage of that name (images are not pulled by the check)`,
            );
          copyFromStage(step, fromRoot, root, step.workdir);
        }
        continue;
      }
      fs.mkdirSync(path.join(root, step.workdir), { recursive: true });
      opts.report(`[${stage.name}] RUN ${step.text}`);
      await runStep(
        step.argv,
        path.join(root, step.workdir),
        step.env,
        `stage ${stage.name}, line ${step.line}: RUN ${step.text}`,
      );
    }
    fs.mkdirSync(path.join(root, stage.workdir), { recursive: true });
    opts.report(`[${stage.name}] ${contextFiles[stage.name]?.length} files from the build context`);
  }
  const last = stages[stages.length - 1] as Stage;
  return { root: roots.get(last.name) as string, stage: last, contextFiles };
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** `COPY --from=<stage> src... dest`: the same file/directory rules, on the earlier stage's files. */
function copyFromStage(copy: CopyInstruction, fromRoot: string, root: string, workdir: string): void {
  const dest = path.posix.resolve(workdir, copy.dest);
  const intoDir = copy.dest.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const from = path.join(fromRoot, path.posix.resolve('/', source));
    if (!fs.existsSync(from))
      throw new DockerfileError(`line ${copy.line}: COPY --from=${copy.from} ${source}: not found in that stage`);
    if (fs.statSync(from).isDirectory()) copyInto(from, path.join(root, dest));
    else copyInto(from, path.join(root, intoDir ? path.posix.join(dest, path.posix.basename(source)) : dest));
  }
}

/**
 * npm settings that change no installed file, only what npm asks the registry: tarballs come from
 * the cache when it has them (the lock file pins their integrity), no audit, fund or update check.
 */
const NPM_QUIET = {
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

/** Runs one RUN step; on failure the error carries the last lines of its output. */
function runStep(argv: string[], cwd: string, env: Record<string, string>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...NPM_QUIET, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (err) => reject(new ImageBuildError(`${what}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = Buffer.concat(output).toString('utf8').trimEnd().split('\n').slice(-25).join('\n');
      reject(new ImageBuildError(`${what}: exit ${signal ?? code}\n${tail}`));
    });
  });
}
