import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The parts of a service in `docker-compose config` output that the check reads. */
export interface ComposeService {
  name: string;
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  workingDir?: string;
  environment: Record<string, string>;
  dependsOn: Record<string, string>;
  healthcheck?: Healthcheck;
  /** Container ports: targets of `ports` and `expose`. */
  containerPorts: number[];
  /** Bind mounts: container path → host path. */
  mounts: Array<{ target: string; source: string }>;
  replicas: number;
}

/** A healthcheck: argv to run (CMD form, or `/bin/sh -c` for CMD-SHELL), and its timing in ms. */
export interface Healthcheck {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** Thrown for a compose file the check cannot run as written. */
export class ComposeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeError';
  }
}

/** Compose's healthcheck defaults (interval 30 s, timeout 30 s, 3 retries, no start period). */
const HEALTHCHECK_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

/** A compose duration (`1m30s`, `5s`, `500ms`, `1h`) in milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text.trim();
  if (rest === '') throw new ComposeError('empty duration');
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)/.exec(rest);
    if (!match) throw new ComposeError(`cannot read the duration ${text}`);
    total += Number(match[1]) * (units[match[2] as string] as number);
    rest = rest.slice(match[0].length);
  }
  return total;
}

function argvOf(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return ['/bin/sh', '-c', value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new ComposeError(`${what} must be a string or a list of strings`);
}

function healthcheckOf(raw: Record<string, unknown> | undefined): Healthcheck | undefined {
  if (!raw || raw.disable === true) return undefined;
  const test = raw.test;
  let argv: string[];
  if (typeof test === 'string') argv = ['/bin/sh', '-c', test];
  else if (Array.isArray(test) && test[0] === 'CMD') argv = test.slice(1) as string[];
  else if (Array.isArray(test) && test[0] === 'CMD-SHELL') argv = ['/bin/sh', '-c', test[1] as string];
  else if (Array.isArray(test) && test[0] === 'NONE') return undefined;
  else throw new ComposeError(`healthcheck test must be CMD, CMD-SHELL, NONE or a string: ${JSON.stringify(test)}`);
  const duration = (key: string, fallback: number) =>
    typeof raw[key] === 'string' ? parseDuration(raw[key] as string) : fallback;
  return {
    argv,
    intervalMs: duration('interval', HEALTHCHECK_DEFAULTS.intervalMs),
    timeoutMs: duration('timeout', HEALTHCHECK_DEFAULTS.timeoutMs),
    retries: typeof raw.retries === 'number' ? raw.retries : HEALTHCHECK_DEFAULTS.retries,
    startPeriodMs: duration('start_period', HEALTHCHECK_DEFAULTS.startPeriodMs),
  };
}

/** `127.0.0.1:8080:8080/tcp`, `8080`, `{ target: 8080 }` → 8080. */
function containerPort(entry: unknown): number {
  if (typeof entry === 'number') return entry;
  if (typeof entry === 'string') return Number((entry.split('/')[0] as string).split(':').pop());
  if (entry && typeof entry === 'object' && 'target' in entry) return Number((entry as { target: unknown }).target);
  throw new ComposeError(`cannot read the port ${JSON.stringify(entry)}`);
}

/** `/host/dir:/container/dir:ro` or `{ type: bind, source, target }`; named volumes are skipped. */
function mountOf(entry: unknown, projectDir: string): { target: string; source: string } | undefined {
  if (typeof entry === 'string') {
    const [source, target] = entry.split(':');
    if (!source || !target || !/^[./~]/.test(source)) return undefined;
    return { source: path.resolve(projectDir, source), target };
  }
  const volume = entry as { type?: string; source?: string; target?: string };
  if (volume.type !== 'bind' || !volume.source || !volume.target) return undefined;
  return { source: path.resolve(projectDir, volume.source), target: volume.target };
}

function environmentOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((item: string) => [item.split('=')[0], item.slice(item.indexOf('=') + 1)]));
  }
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

/** Reads `docker-compose config` output (YAML, interpolated) into the services the check runs. */
export function parseComposeConfig(yamlText: string, projectDir: string): ComposeService[] {
  const doc = parseYaml(yamlText) as { services?: Record<string, Record<string, unknown>> };
  if (!doc?.services) throw new ComposeError('no services in the compose config');
  return Object.entries(doc.services).map(([name, raw]) => {
    const dependsOn = Array.isArray(raw.depends_on)
      ? Object.fromEntries((raw.depends_on as string[]).map((dep) => [dep, 'service_started']))
      : Object.fromEntries(
          Object.entries((raw.depends_on ?? {}) as Record<string, { condition?: string }>).map(([dep, spec]) => [
            dep,
            spec?.condition ?? 'service_started',
          ]),
        );
    const deploy = raw.deploy as { replicas?: number } | undefined;
    return {
      name,
      image: raw.image as string | undefined,
      build: raw.build,
      command: argvOf(raw.command, `${name}.command`),
      entrypoint: argvOf(raw.entrypoint, `${name}.entrypoint`),
      workingDir: raw.working_dir as string | undefined,
      environment: environmentOf(raw.environment),
      dependsOn,
      healthcheck: healthcheckOf(raw.healthcheck as Record<string, unknown> | undefined),
      containerPorts: [...((raw.ports as unknown[]) ?? []), ...((raw.expose as unknown[]) ?? [])].map(containerPort),
      mounts: ((raw.volumes as unknown[]) ?? [])
        .map((entry) => mountOf(entry, projectDir))
        .filter((mount) => mount !== undefined),
      replicas: deploy?.replicas ?? (typeof raw.scale === 'number' ? raw.scale : 1),
    };
  });
}

/**
 * The order compose starts services in: every service after all it `depends_on`, ties in name
 * order. A cycle or a dependency on an unknown service is an error, as it is for compose.
 */
export function startOrder(services: readonly ComposeService[]): ComposeService[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const order: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: ComposeService, trail: string[]): void => {
    if (state.get(service.name) === 'done') return;
    if (state.get(service.name) === 'visiting')
      throw new ComposeError(`dependency cycle: ${[...trail, service.name].join(' → ')}`);
    state.set(service.name, 'visiting');
    for (const dep of Object.keys(service.dependsOn).sort()) {
      const target = byName.get(dep);
      if (!target) throw new ComposeError(`${service.name} depends on ${dep}, which is not a service`);
      visit(target, [...trail, service.name]);
    }
    state.set(service.name, 'done');
    order.push(service);
  };
  for (const service of [...services].sort((a, b) => a.name.localeCompare(b.name))) visit(service, []);
  return order;
}

/** How one container of a service is mapped onto this machine. */
export interface HostMapping {
  /** Stand-in addresses by compose service name (`postgres` → `127.0.0.1:5432`). */
  hosts: Record<string, string>;
  /** Postgres database names: compose's → the check's own. */
  databases: Record<string, string>;
  /** This container's ports → free ports on this machine (containers have their own network). */
  ports: Record<number, number>;
  /** Container paths → host paths: bind mounts first, then `/` → the image's directory. */
  paths: Array<{ target: string; source: string }>;
}

/** A container path on this machine: the longest matching mount, else the path under the image root. */
function hostPath(value: string, paths: HostMapping['paths']): string {
  const match = [...paths]
    .sort((a, b) => b.target.length - a.target.length)
    .find((p) => value === p.target || value.startsWith(`${p.target.replace(/\/$/, '')}/`));
  if (!match) return value;
  return path.join(match.source, path.posix.relative(match.target, value));
}

/**
 * One environment value as seen from this machine: host names of stand-in services (in URLs and
 * `host:port` values) point at the stand-ins, a Postgres URL's database becomes the check's own,
 * a value that is one of the container's ports becomes its free port, and an absolute path maps
 * through the bind mounts or into the image's directory. Anything else is unchanged.
 */
export function rewriteValue(value: string, map: HostMapping): string {
  const url = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^@/]*)@)?([^:/?#]+)(?::(\d+))?(\/[^?#]*)?(.*)$/i.exec(value);
  if (url) {
    const [, scheme, userinfo, host, , pathname, rest] = url;
    const standIn = map.hosts[host as string];
    if (!standIn) return value;
    const db = pathname?.slice(1);
    const newPath =
      /^postgres(ql)?:\/\//i.test(value) && db && map.databases[db] ? `/${map.databases[db]}` : (pathname ?? '');
    return `${scheme}${userinfo !== undefined ? `${userinfo}@` : ''}${standIn}${newPath}${rest}`;
  }
  const hostPort = /^([A-Za-z0-9_.-]+):(\d+)$/.exec(value);
  if (hostPort && map.hosts[hostPort[1] as string]) return map.hosts[hostPort[1] as string] as string;
  if (/^\d+$/.test(value) && map.ports[Number(value)] !== undefined) return String(map.ports[Number(value)]);
  if (value.startsWith('/')) return hostPath(value, map.paths);
  return value;
}

/** The container's `localhost` ports in a healthcheck argument, mapped to this machine's. */
export function rewriteHealthcheckArg(arg: string, map: HostMapping): string {
  return arg.replace(/\b(127\.0\.0\.1|localhost|0\.0\.0\.0):(\d+)\b/g, (whole, host: string, port: string) =>
    map.ports[Number(port)] !== undefined ? `${host}:${map.ports[Number(port)]}` : whole,
  );
}
