import { openAt } from './checks';
import type { FaultRecord } from './driver';
import type { UnplannedExit } from './processes';
import type { ResponderStats } from './responder';
import { CATEGORIES, type Category, type Verdict } from './verify';

const STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'RUNNING', 'MISSING'];

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Everything the summary shows. */
export interface SoakSummary {
  seed: number;
  verdicts: Verdict[];
  faults: FaultRecord[];
  minThrough: number;
  unplanned: UnplannedExit[];
  temporalDeaths: number[];
  responder: ResponderStats;
  apiRetries: number;
  runStarted: number;
  durationMs: number;
  loadBefore: string;
  loadAfter: string;
  cores: number;
  openWorkflows: number;
}

/** Executions each fault caught open, from the API's start and stop dates. */
export function faultThroughput(faults: FaultRecord[], verdicts: Verdict[]): number[] {
  const spans = verdicts
    .filter((v) => !v.record.poison && v.startDate !== undefined)
    .map((v) => ({ start: v.startDate as number, end: v.stopDate }));
  return faults.map((fault) => (fault.at === undefined ? 0 : openAt(spans, fault.at)));
}

/** The summary text, and the violations (empty: the soak passed). */
export function summarize(s: SoakSummary): { text: string; violations: string[] } {
  const out: string[] = [];
  const violations: string[] = [];
  const workloadVerdicts = s.verdicts.filter((v) => !v.record.poison);
  const kinds = [...new Set(workloadVerdicts.map((v) => v.record.kind))];
  out.push('executions per workload and status');
  out.push(
    table(
      ['workload', 'total', ...STATUSES.map((x) => x.toLowerCase()), 'ok', 'problems'],
      [...kinds, 'all'].map((kind) => {
        const mine = workloadVerdicts.filter((v) => kind === 'all' || v.record.kind === kind);
        return [
          kind,
          mine.length,
          ...STATUSES.map((st) => mine.filter((v) => v.status === st).length),
          mine.filter((v) => v.problems.length === 0).length,
          mine.filter((v) => v.problems.length > 0).length,
        ];
      }),
    ),
  );
  const through = faultThroughput(s.faults, s.verdicts);
  out.push('', 'faults injected');
  out.push(
    table(
      ['fault', 'at s', 'open (seen)', 'in flight', 'recovery s', 'detail'],
      s.faults.map((fault, i) => [
        fault.kind,
        fault.at === undefined ? '-' : ((fault.at - s.runStarted) / 1000).toFixed(0),
        fault.observedOpen ?? '-',
        through[i] as number,
        fault.at === undefined || fault.recoveredAt === undefined
          ? '-'
          : ((fault.recoveredAt - fault.at) / 1000).toFixed(1),
        fault.detail ?? '',
      ]),
    ),
  );
  s.faults.forEach((fault, i) => {
    if (fault.at === undefined) violations.push(`fault ${fault.kind}: ${fault.detail ?? 'not injected'}`);
    else if ((through[i] as number) < s.minThrough)
      violations.push(
        `fault ${fault.kind} at ${((fault.at - s.runStarted) / 1000).toFixed(0)} s caught ${through[i]} executions in flight, fewer than ${s.minThrough}`,
      );
  });
  const poisons = s.verdicts.filter((v) => v.record.poison);
  if (poisons.length) {
    out.push('', 'poison executions');
    out.push(
      table(
        ['poison', 'status', 'error', 'seconds', 'execution', 'what the soak had to do'],
        poisons.map((v) => [
          v.record.kind,
          v.status,
          v.error ?? '',
          v.startDate && v.stopDate ? ((v.stopDate - v.startDate) / 1000).toFixed(1) : '-',
          v.record.id,
          v.record.intervention ?? '',
        ]),
      ),
    );
  }
  const count = (category: Category) =>
    s.verdicts.filter((v) => v.problems.some((p) => p.category === category)).length;
  const sum = (pick: (v: Verdict) => number) => s.verdicts.reduce((total, v) => total + pick(v), 0);
  out.push('', 'results');
  out.push(
    table(
      ['check', 'count'],
      [
        ...CATEGORIES.map((category) => [`${category} (executions)`, count(category)]),
        ['function invocations (raw, every attempt)', sum((v) => v.calls)],
        ['duplicates absorbed by idempotency keys', sum((v) => v.absorbed)],
        ['hidden duplicate invocations (not in the history)', sum((v) => v.hiddenDuplicates)],
        ['unplanned process exits', s.unplanned.length + s.temporalDeaths.length],
        ['callbacks answered (SendTaskSuccess)', s.responder.answered],
        ['callbacks refused', s.responder.refused.length],
        ['API calls retried (down, 5xx)', s.apiRetries],
        ['Temporal workflows still open', s.openWorkflows],
      ],
    ),
  );
  for (const category of CATEGORIES) {
    const hit = s.verdicts.filter((v) => v.problems.some((p) => p.category === category));
    if (!hit.length) continue;
    violations.push(`${category}: ${hit.length} execution(s)`);
    for (const v of hit.slice(0, 15)) {
      const texts = v.problems.filter((p) => p.category === category).map((p) => p.text);
      violations.push(`  ${v.record.id} [${v.record.kind}] ${v.status}: ${texts.join('; ')}`);
    }
    if (hit.length > 15) violations.push(`  … and ${hit.length - 15} more`);
  }
  const notes: string[] = [];
  for (const exit of s.unplanned)
    notes.push(
      `unplanned exit: ${exit.role} pid ${exit.pid} (${exit.signal ?? `code ${exit.code}`}) at ${((exit.at - s.runStarted) / 1000).toFixed(0)} s; log ${exit.log}`,
    );
  for (const at of s.temporalDeaths)
    notes.push(`unplanned exit: temporal server at ${((at - s.runStarted) / 1000).toFixed(0)} s`);
  for (const refusal of s.responder.refused) notes.push(`callback refused: ${refusal.executionId}: ${refusal.error}`);
  if (notes.length)
    out.push('', 'notes (restarted like a supervisor would; their executions are judged above)', ...notes.slice(0, 30));
  out.push(
    '',
    `seed ${s.seed}; duration ${(s.durationMs / 60_000).toFixed(1)} min; load average before ${s.loadBefore}, after ${s.loadAfter}; ${s.cores} cores`,
  );
  return { text: out.join('\n'), violations };
}
