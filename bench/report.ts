import type { EngineName } from './config';
import type { HistoryCost, RoundResult } from './engines/types';
import { median, quantile } from './metrics';
import type { Workload } from './workloads';

export const ENGINE_LABELS: Record<EngineName, string> = {
  stepflow: 'Stepflow (REST API + worker)',
  temporal: 'hand-written Temporal',
  local: 'aws-local-stepfunctions',
  interpreter: 'pure interpreter (MemoryHost)',
};

/** The medians over the rounds of one engine on one workload. */
export interface EngineSummary {
  engine: EngineName;
  rounds: number;
  errors: string[];
  failed: number;
  execPerSec: number;
  transPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU microseconds per state transition, per process role. */
  cpuUsPerTransition: Record<string, number>;
  walBytesPerExec: number;
  history?: HistoryCost;
  rssPerExecBytes: number;
  /** Median over the rounds of each process role's peak resident set. */
  peakRssBytes: Record<string, number>;
  /** Rows (and bytes) the engine stored in its own Postgres tables, per execution. */
  storedRowsPerExec: number;
  storedBytesPerExec: number;
  /** Median wall time of a round (first start → last close). */
  wallMs: number;
  /** Distributed Map: median rows per Stepflow table, and the Map Run workflow's history. */
  storedRowsByTable?: Record<string, number>;
  mapRunHistory?: HistoryCost;
}

/** One workload: what an execution does (from the interpreter's history) and every engine's medians. */
export interface WorkloadSummary {
  workload: Workload;
  transitionsPerExec: number;
  tasksPerExec: number;
  engines: EngineSummary[];
}

/** Medians over the rounds (errored rounds excluded) of one engine. */
export function summarize(
  engine: EngineName,
  rounds: RoundResult[],
  errors: string[],
  transitionsPerExec: number,
): EngineSummary {
  const per = <T>(pick: (round: RoundResult) => T) => rounds.map(pick);
  const transitions = (round: RoundResult) => round.executions * transitionsPerExec;
  const roles = [...new Set(rounds.flatMap((round) => Object.keys(round.cpuSeconds)))];
  const histories = rounds.map((round) => round.history).filter((h): h is HistoryCost => h !== undefined);
  const historyMedian = (key: keyof HistoryCost) => median(histories.map((h) => h[key]));
  const mapRuns = rounds.map((round) => round.mapRunHistory).filter((h): h is HistoryCost => h !== undefined);
  const tables = [...new Set(rounds.flatMap((round) => Object.keys(round.storedRowsByTable ?? {})))];
  return {
    engine,
    rounds: rounds.length,
    errors,
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    execPerSec: median(per((round) => round.executions / (round.wallMs / 1000))),
    transPerSec: median(per((round) => transitions(round) / (round.wallMs / 1000))),
    p50: median(per((round) => quantile(round.latenciesMs, 0.5))),
    p95: median(per((round) => quantile(round.latenciesMs, 0.95))),
    p99: median(per((round) => quantile(round.latenciesMs, 0.99))),
    cpuUsPerTransition: Object.fromEntries(
      roles.map((role) => [role, median(per((round) => ((round.cpuSeconds[role] ?? NaN) * 1e6) / transitions(round)))]),
    ),
    walBytesPerExec: median(
      per((round) => (round.walBytes === undefined ? undefined : round.walBytes / round.executions)),
    ),
    history: histories.length
      ? {
          events: historyMedian('events'),
          workflowTasks: historyMedian('workflowTasks'),
          activities: historyMedian('activities'),
          timers: historyMedian('timers'),
          bytes: historyMedian('bytes'),
          runs: historyMedian('runs'),
        }
      : undefined,
    rssPerExecBytes: median(per((round) => round.rssPerExecutionBytes)),
    peakRssBytes: Object.fromEntries(
      [...new Set(rounds.flatMap((round) => Object.keys(round.peakRssBytes ?? {})))].map((role) => [
        role,
        median(per((round) => round.peakRssBytes?.[role])),
      ]),
    ),
    storedRowsPerExec: median(
      per((round) => (round.storedRows === undefined ? undefined : round.storedRows / round.executions)),
    ),
    storedBytesPerExec: median(
      per((round) => (round.storedBytes === undefined ? undefined : round.storedBytes / round.executions)),
    ),
    wallMs: median(per((round) => round.wallMs)),
    ...(tables.length
      ? {
          storedRowsByTable: Object.fromEntries(
            tables.map((table) => [table, median(per((round) => round.storedRowsByTable?.[table]))]),
          ),
        }
      : {}),
    ...(mapRuns.length ? { mapRunHistory: medianHistory(mapRuns) } : {}),
  };
}

/** The median of each count over several histories. */
function medianHistory(histories: HistoryCost[]): HistoryCost {
  const of = (key: keyof HistoryCost) => median(histories.map((h) => h[key]));
  return {
    events: of('events'),
    workflowTasks: of('workflowTasks'),
    activities: of('activities'),
    timers: of('timers'),
    bytes: of('bytes'),
    runs: of('runs'),
  };
}

const fmt = (value: number, digits = 0): string => {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000 && digits === 0) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
};
const ratio = (a: number, b: number): string => {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  const r = a / b;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
};
const signed = (value: number, digits = 0): string =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '–';
const find = (summary: WorkloadSummary, engine: EngineName) =>
  summary.engines.find((entry) => entry.engine === engine && entry.rounds > 0);

/** The per-workload tables of one run, in Markdown. */
export function workloadTables(summaries: WorkloadSummary[]): string {
  const out: string[] = [];
  for (const summary of summaries) {
    const { workload } = summary;
    const parked = workload.parked;
    out.push(
      workload.distributed
        ? `#### ${workload.name} — ${workload.sizeText} (one Task per child; transitions below are items)`
        : `#### ${workload.name} — ${workload.sizeText} (${fmt(summary.transitionsPerExec)} transitions, ${fmt(summary.tasksPerExec)} Tasks per execution)`,
      '',
      parked
        ? '| engine | starts/s | start p50 ms | start p99 ms | worker RSS KiB / parked exec | worker CPU ms / exec | server CPU ms / exec | API CPU ms / exec | WAL KiB / exec | Temporal events / exec | WFT / exec | activities / exec | timers / exec | history KiB / exec |'
        : '| engine | exec/s | transitions/s | p50 ms | p95 ms | p99 ms | worker CPU µs / transition | server CPU µs / transition | API CPU µs / transition | WAL KiB / exec | Temporal events / exec | WFT / exec | activities / exec | history KiB / exec | failed |',
      parked
        ? '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
        : '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const entry of summary.engines) {
      const label = ENGINE_LABELS[entry.engine];
      if (entry.rounds === 0) {
        out.push(
          `| ${label} | ${entry.errors.length ? `error: ${entry.errors[0].replace(/\|/g, '/').slice(0, 160)}` : 'n/a'} |`,
        );
        continue;
      }
      const cpu = entry.cpuUsPerTransition;
      const worker = cpu.worker ?? cpu.bench;
      const h = entry.history;
      const kib = (bytes: number | undefined) => (bytes === undefined ? '–' : fmt(bytes / 1024, 1));
      if (parked) {
        const perExec = (us: number | undefined) =>
          us === undefined ? '–' : fmt((us * summary.transitionsPerExec) / 1000, 2);
        out.push(
          `| ${label} | ${fmt(entry.execPerSec)} | ${fmt(entry.p50, 1)} | ${fmt(entry.p99, 1)} | ${kib(entry.rssPerExecBytes)} | ${perExec(worker)} | ${perExec(cpu.server)} | ${perExec(cpu.api)} | ${kib(entry.walBytesPerExec)} | ${fmt(h?.events ?? NaN, 1)} | ${fmt(h?.workflowTasks ?? NaN, 1)} | ${fmt(h?.activities ?? NaN, 1)} | ${fmt(h?.timers ?? NaN, 1)} | ${kib(h?.bytes)} |`,
        );
      } else {
        out.push(
          `| ${label} | ${fmt(entry.execPerSec, entry.execPerSec < 10 ? 2 : 0)} | ${fmt(entry.transPerSec)} | ${fmt(entry.p50, 1)} | ${fmt(entry.p95, 1)} | ${fmt(entry.p99, 1)} | ${fmt(worker, 1)} | ${fmt(cpu.server ?? NaN, 1)} | ${fmt(cpu.api ?? NaN, 1)} | ${kib(entry.walBytesPerExec)} | ${fmt(h?.events ?? NaN, 1)} | ${fmt(h?.workflowTasks ?? NaN, 1)} | ${fmt(h?.activities ?? NaN, 1)} | ${kib(h?.bytes)} | ${entry.failed}${entry.errors.length ? ` (${entry.errors.length} rounds errored)` : ''} |`,
        );
      }
    }
    out.push('');
    if (workload.name.startsWith('loop')) out.push(...longRunTable(summary), '');
    if (workload.distributed) out.push(...distributedTable(summary), '');
  }
  return out.join('\n');
}

/** Long runs (the loops): wall time, memory peaks, Temporal runs and history, what Postgres stores. */
function longRunTable(summary: WorkloadSummary): string[] {
  const mib = (bytes: number | undefined, digits = 1) =>
    bytes === undefined || !bytes ? '–' : fmt(bytes / 2 ** 20, digits);
  const rows = [
    '| engine | wall s | transitions/s | peak worker RSS MiB | peak server RSS MiB | Temporal runs | Temporal events (all runs) | Temporal history MiB (all runs) | Stepflow rows / exec | Stepflow row MiB / exec | WAL MiB (cluster-wide) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const entry of summary.engines) {
    if (entry.rounds === 0 || !entry.history) continue;
    const h = entry.history;
    rows.push(
      `| ${ENGINE_LABELS[entry.engine]} | ${fmt(entry.wallMs / 1000, 1)} | ${fmt(entry.transPerSec)} | ${mib(entry.peakRssBytes.worker)} | ${mib(entry.peakRssBytes.server)} | ${fmt(h.runs, 1)} | ${fmt(h.events)} | ${mib(h.bytes, 2)} | ${fmt(entry.storedRowsPerExec)} | ${mib(entry.storedBytesPerExec, 2)} | ${mib(entry.walBytesPerExec)} |`,
    );
  }
  return rows;
}

/**
 * Distributed Map: wall time, items/s, memory peaks, the parent's Temporal history (goal: under
 * 10,000 events for any item count), Stepflow's Map Run workflow (every run), the rows Stepflow
 * stored by table and the WAL of the round.
 */
function distributedTable(summary: WorkloadSummary): string[] {
  const mib = (bytes: number | undefined, digits = 1) =>
    bytes === undefined || !bytes ? '–' : fmt(bytes / 2 ** 20, digits);
  const kib = (bytes: number | undefined) => (bytes === undefined ? '–' : fmt(bytes / 1024, 1));
  const rows = [
    '| engine | wall s | items/s | peak worker RSS MiB | peak server RSS MiB | peak API RSS MiB | peak function host RSS MiB | CPU ms / child: worker + server + API + function host | parent: Temporal runs / events / KiB | Map Run workflow: runs / events / KiB | Stepflow rows (executions + events + map_runs + map_run_items) | Stepflow row MiB | WAL MiB (cluster-wide) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const children = summary.workload.distributed?.children ?? 1;
  for (const entry of summary.engines) {
    if (entry.rounds === 0 || !entry.history) continue;
    const h = entry.history;
    const cpuMs = (role: string) =>
      (entry.cpuUsPerTransition[role] ?? NaN) * (summary.transitionsPerExec / children / 1000);
    const cpu = ['worker', 'server', 'api', 'functions']
      .filter((role) => entry.cpuUsPerTransition[role] !== undefined)
      .map((role) => fmt(cpuMs(role), 1))
      .join(' + ');
    const m = entry.mapRunHistory;
    const t = entry.storedRowsByTable;
    rows.push(
      `| ${ENGINE_LABELS[entry.engine]} | ${fmt(entry.wallMs / 1000, 1)} | ${fmt(entry.transPerSec)} | ${mib(entry.peakRssBytes.worker)} | ${mib(entry.peakRssBytes.server)} | ${mib(entry.peakRssBytes.api)} | ${mib(entry.peakRssBytes.functions)} | ${cpu} | ${fmt(h.runs)} / ${fmt(h.events)} / ${kib(h.bytes)} | ${m ? `${fmt(m.runs)} / ${fmt(m.events)} / ${kib(m.bytes)}` : '–'} | ${t ? `${fmt(entry.storedRowsPerExec)} (${fmt(t.executions)} + ${fmt(t.execution_events)} + ${fmt(t.map_runs)} + ${fmt(t.map_run_items)})` : '–'} | ${mib(entry.storedBytesPerExec, 2)} | ${mib(entry.walBytesPerExec)} |`,
    );
  }
  return rows;
}

/** Stepflow against each baseline, side by side, with the issue's targets (reported, never asserted). */
export function ratioTable(summaries: WorkloadSummary[]): string {
  const out = [
    '| workload | SF/T throughput (target ≥ 0.9) | SF/T p50 (≤ 1.1) | SF/T p99 (≤ 1.2) | SF/T worker CPU per transition | SF − T events / exec (target +0) | SF − T WFT / exec (target +0) | SF activities / exec vs Tasks | SF/T WAL per exec | SF / local throughput | SF / interpreter throughput | interpreter / local (target ≥ 5) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const summary of summaries) {
    const sf = find(summary, 'stepflow');
    const t = find(summary, 'temporal');
    const local = find(summary, 'local');
    const interp = find(summary, 'interpreter');
    const v = (entry: EngineSummary | undefined, pick: (e: EngineSummary) => number) => (entry ? pick(entry) : NaN);
    const parked = summary.workload.parked;
    const cpu = (entry: EngineSummary | undefined) =>
      v(entry, (e) => e.cpuUsPerTransition.worker ?? e.cpuUsPerTransition.bench);
    out.push(
      `| ${summary.workload.name} | ${ratio(
        v(sf, (e) => (parked ? e.execPerSec : e.transPerSec)),
        v(t, (e) => (parked ? e.execPerSec : e.transPerSec)),
      )}${parked ? ' (starts)' : ''} | ${ratio(
        v(sf, (e) => e.p50),
        v(t, (e) => e.p50),
      )} | ${ratio(
        v(sf, (e) => e.p99),
        v(t, (e) => e.p99),
      )} | ${ratio(cpu(sf), cpu(t))} | ${signed(v(sf, (e) => e.history?.events ?? NaN) - v(t, (e) => e.history?.events ?? NaN), 1)} | ${signed(v(sf, (e) => e.history?.workflowTasks ?? NaN) - v(t, (e) => e.history?.workflowTasks ?? NaN), 1)} | ${fmt(
        v(sf, (e) => e.history?.activities ?? NaN),
        1,
      )} vs ${fmt(summary.tasksPerExec)} | ${ratio(
        v(sf, (e) => e.walBytesPerExec),
        v(t, (e) => e.walBytesPerExec),
      )} | ${ratio(
        v(sf, (e) => e.transPerSec),
        v(local, (e) => e.transPerSec),
      )} | ${ratio(
        v(sf, (e) => e.transPerSec),
        v(interp, (e) => e.transPerSec),
      )} | ${ratio(
        v(interp, (e) => e.transPerSec),
        v(local, (e) => e.transPerSec),
      )} |`,
    );
  }
  return out.join('\n');
}

const COLORS: Record<EngineName, string> = {
  stepflow: '#1f77b4',
  temporal: '#ff7f0e',
  local: '#2ca02c',
  interpreter: '#9467bd',
};
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One log-scale grouped bar panel. */
function panel(
  summaries: WorkloadSummary[],
  engines: EngineName[],
  title: string,
  unit: string,
  pick: (e: EngineSummary) => number,
  top: number,
): string {
  const width = 960;
  const height = 250;
  const left = 70;
  const right = 20;
  const plotTop = top + 30;
  const plotHeight = height - 80;
  const values = summaries
    .flatMap((s) => s.engines.filter((e) => e.rounds > 0).map(pick))
    .filter((x) => Number.isFinite(x) && x > 0);
  if (values.length === 0) return '';
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi =
    Math.ceil(Math.log10(Math.max(...values))) +
    (Math.max(...values) === 10 ** Math.ceil(Math.log10(Math.max(...values))) ? 1 : 0);
  const y = (value: number) => plotTop + plotHeight - ((Math.log10(value) - lo) / Math.max(hi - lo, 1)) * plotHeight;
  const groupWidth = (width - left - right) / summaries.length;
  const barWidth = Math.min(26, (groupWidth - 16) / engines.length);
  const parts = [`<text x="${left}" y="${top + 16}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  for (let p = lo; p <= hi; p++) {
    const yy = y(10 ** p);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${yy + 4}" font-size="11" text-anchor="end">${esc(fmt(10 ** p, p < 0 ? -p : 0))}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${plotTop + plotHeight / 2}" font-size="11" transform="rotate(-90 14 ${plotTop + plotHeight / 2})" text-anchor="middle">${esc(unit)} (log)</text>`,
  );
  summaries.forEach((summary, g) => {
    const x0 = left + g * groupWidth + (groupWidth - barWidth * engines.length) / 2;
    engines.forEach((engine, b) => {
      const entry = summary.engines.find((e) => e.engine === engine && e.rounds > 0);
      const value = entry ? pick(entry) : NaN;
      const x = x0 + b * barWidth;
      if (Number.isFinite(value) && value > 0) {
        const yy = y(value);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(plotTop + plotHeight - yy).toFixed(1)}" fill="${COLORS[engine]}"><title>${esc(`${summary.workload.name} ${ENGINE_LABELS[engine]}: ${fmt(value, value < 10 ? 2 : 0)} ${unit}`)}</title></rect>`,
        );
      } else {
        parts.push(
          `<text x="${(x + barWidth / 2).toFixed(1)}" y="${plotTop + plotHeight - 4}" font-size="9" text-anchor="middle" fill="#999">n/a</text>`,
        );
      }
    });
    parts.push(
      `<text x="${(left + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${plotTop + plotHeight + 16}" font-size="12" text-anchor="middle">${esc(summary.workload.name)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${width - right}" y1="${plotTop + plotHeight}" y2="${plotTop + plotHeight}" stroke="#333"/>`,
  );
  return parts.join('\n');
}

/** The chart: throughput (transitions/s) and p99 latency per workload, one bar per engine. */
export function chartSvg(summaries: WorkloadSummary[], engines: EngineName[], caption: string): string {
  const shown = summaries.filter((s) => !s.workload.parked);
  const legend = engines
    .map(
      (engine, i) =>
        `<rect x="${70 + i * 220}" y="8" width="12" height="12" fill="${COLORS[engine]}"/><text x="${86 + i * 220}" y="18" font-size="12">${esc(ENGINE_LABELS[engine])}</text>`,
    )
    .join('\n');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="560" font-family="sans-serif" viewBox="0 0 960 560">',
    '<rect width="960" height="560" fill="white"/>',
    legend,
    panel(
      shown,
      engines,
      'Throughput: state transitions per second (higher is better)',
      'transitions/s',
      (e) => e.transPerSec,
      24,
    ),
    panel(shown, engines, 'p99 start-to-result latency (lower is better)', 'ms', (e) => e.p99, 284),
    `<text x="70" y="552" font-size="11" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
