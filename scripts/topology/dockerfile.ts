import path from 'node:path';

/** A COPY of build-context files, or of files from an earlier stage (`--from=<stage>`). */
export interface CopyInstruction {
  kind: 'COPY';
  line: number;
  from?: string;
  sources: string[];
  dest: string;
}

/** A RUN: `argv` is the exec form, or `['/bin/sh', '-c', text]` for the shell form. */
export interface RunInstruction {
  kind: 'RUN';
  line: number;
  argv: string[];
  text: string;
}

export type StageStep = CopyInstruction | RunInstruction;

/** One `FROM … [AS name]` stage with what the check needs to emulate it. */
export interface Stage {
  name: string;
  image: string;
  /** COPY and RUN in file order, each with the WORKDIR and ENV in force at its line. */
  steps: Array<StageStep & { workdir: string; env: Record<string, string> }>;
  /** The last WORKDIR (the containers' working directory). */
  workdir: string;
  /** Every ENV of the stage (the containers' environment on top of the base image's). */
  env: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
}

/** Thrown for a Dockerfile the check cannot emulate faithfully; names the line. */
export class DockerfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerfileError';
  }
}

/** Instructions that change neither files nor the process the container runs. */
const INERT = new Set(['LABEL', 'EXPOSE', 'USER', 'HEALTHCHECK', 'STOPSIGNAL', 'VOLUME', 'ARG', 'MAINTAINER']);

/** Joins `\` continuations and drops comments and blank lines: `[line number, text]` per instruction. */
function logicalLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let start = 0;
  let buffer = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    if (buffer === '' && /^\s*(#|$)/.test(raw)) return;
    if (buffer !== '' && /^\s*#/.test(raw)) return; // comment lines inside a continuation are dropped
    if (buffer === '') start = index + 1;
    if (/\\\s*$/.test(raw)) {
      buffer += raw.replace(/\\\s*$/, ' ');
      return;
    }
    out.push([start, (buffer + raw).trim()]);
    buffer = '';
  });
  if (buffer.trim() !== '') out.push([start, buffer.trim()]);
  return out;
}

/** The JSON (exec) form if the arguments are a JSON array of strings, else undefined. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // not JSON: the shell form
  }
  return undefined;
}

/** `ENV a=b c="d e"` or the legacy `ENV a b`. */
function parseEnv(args: string, line: number): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(args);
    if (!match) throw new DockerfileError(`line ${line}: ENV needs a name and a value`);
    return { [match[1] as string]: match[2] as string };
  }
  const env: Record<string, string> = {};
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pair.exec(args)) !== null && match[0] !== '') {
    const raw = match[2] as string;
    env[match[1] as string] = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
      : raw.startsWith("'")
        ? raw.slice(1, -1)
        : raw;
    consumed = pair.lastIndex;
  }
  if (consumed !== args.length) throw new DockerfileError(`line ${line}: cannot read ENV ${args}`);
  return env;
}

/** Splits `COPY [--flag=value ...] src... dest` (shell or JSON form). */
function parseCopy(args: string, line: number): CopyInstruction {
  let rest = args;
  let from: string | undefined;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!flag) break;
    if (flag[1] === 'from') from = flag[2];
    else if (!['chown', 'chmod', 'link'].includes(flag[1] as string))
      throw new DockerfileError(`line ${line}: COPY --${flag[1]} is not supported by the check`);
    rest = rest.slice(flag[0].length);
  }
  const parts = execForm(rest) ?? rest.split(/\s+/).filter(Boolean);
  if (parts.length < 2) throw new DockerfileError(`line ${line}: COPY needs a source and a destination`);
  if (parts.some((part) => part.includes('$')))
    throw new DockerfileError(`line ${line}: variables in COPY are not supported by the check`);
  return { kind: 'COPY', line, from, sources: parts.slice(0, -1), dest: parts[parts.length - 1] as string };
}

/**
 * Reads a Dockerfile into its stages: FROM, WORKDIR, ENV, COPY, RUN, ENTRYPOINT and CMD as Docker
 * reads them (continuations, comments, exec and shell forms). Instructions that would make the
 * emulation unfaithful (ADD, SHELL, ONBUILD, variables in COPY) are refused with their line.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const [line, instruction] of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/s.exec(instruction) as RegExpExecArray;
    const keyword = (match[1] as string).toUpperCase();
    const args = (match[2] as string).trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new DockerfileError(`line ${line}: cannot read FROM ${args}`);
      const base = stages.find((stage) => stage.name === from[1]);
      stages.push({
        name: from[2] ?? String(stages.length),
        image: base ? base.image : (from[1] as string),
        steps: [],
        workdir: base ? base.workdir : '/',
        env: base ? { ...base.env } : {},
        entrypoint: base?.entrypoint,
        cmd: base?.cmd,
      });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new DockerfileError(`line ${line}: ${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, args);
        break;
      case 'ENV':
        stage.env = { ...stage.env, ...parseEnv(args, line) };
        break;
      case 'COPY':
        stage.steps.push({ ...parseCopy(args, line), workdir: stage.workdir, env: { ...stage.env } });
        break;
      case 'RUN':
        stage.steps.push({
          kind: 'RUN',
          line,
          argv: execForm(args) ?? ['/bin/sh', '-c', args],
          text: args,
          workdir: stage.workdir,
          env: { ...stage.env },
        });
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = execForm(args) ?? ['/bin/sh', '-c', args];
        stage.cmd = undefined; // Docker resets CMD when ENTRYPOINT changes
        break;
      case 'CMD':
        stage.cmd = execForm(args) ?? ['/bin/sh', '-c', args];
        break;
      default:
        if (!INERT.has(keyword)) throw new DockerfileError(`line ${line}: ${keyword} is not supported by the check`);
    }
  }
  if (stages.length === 0) throw new DockerfileError('no FROM: not a Dockerfile');
  return stages;
}

/** The major version of a `node:<major>…` base image, or undefined for another image. */
export function nodeImageMajor(image: string): number | undefined {
  const match = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)/.exec(image);
  return match ? Number(match[1]) : undefined;
}
