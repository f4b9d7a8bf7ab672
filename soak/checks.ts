/** Pure checks of the soak's verdicts (unit-tested in test/unit/soak-checks.test.ts). */
import { isDeepStrictEqual } from 'node:util';
import type { Expectation } from './workloads';

/** A history event as GetExecutionHistory returns it (only what the checks read). */
export interface WireEvent {
  id: number;
  previousEventId: number;
  type: string;
  taskScheduledEventDetails?: { resourceType?: string };
  taskStartedEventDetails?: { resourceType?: string; attempt?: number };
  lambdaFunctionStartedEventDetails?: { attempt?: number };
}

export const TERMINAL_EVENTS: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/**
 * What is wrong with a closed execution's history, if anything: it starts with
 * `ExecutionStarted`; ids run 1..n without gap or duplicate; each `previousEventId` is 0 (as
 * AWS records the first events) or points at an earlier event; exactly one terminal event, the
 * last, matching `status`.
 */
export function historyProblems(events: readonly WireEvent[], status: string): string[] {
  const problems: string[] = [];
  if (events.length === 0) return ['empty history'];
  if (events[0]?.type !== 'ExecutionStarted') problems.push(`first event is ${events[0]?.type}`);
  events.forEach((event, i) => {
    if (event.id !== i + 1) problems.push(`event #${i + 1} has id ${event.id}`);
    const prev = event.previousEventId;
    if (i === 0 ? prev !== 0 : !(prev >= 0 && prev < event.id))
      problems.push(`event ${event.id} (${event.type}) has previousEventId ${prev}`);
  });
  const terminals = events.filter((event) => event.type in TERMINAL_EVENTS);
  if (terminals.length !== 1)
    problems.push(`${terminals.length} terminal events (${terminals.map((e) => e.type).join(', ')})`);
  const last = events[events.length - 1] as WireEvent;
  if (!(last.type in TERMINAL_EVENTS)) problems.push(`last event is ${last.type}, not a terminal event`);
  else if (TERMINAL_EVENTS[last.type] !== status) problems.push(`terminal event ${last.type} but status ${status}`);
  return problems.slice(0, 5);
}

/** An execution as DescribeExecution shows it (only what the checks read). */
export interface Described {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** How a closed execution differs from what its workload's definition implies for its input. */
export function outcomeProblems(described: Described, expected: Expectation): string[] {
  if (described.status !== expected.status) {
    const why = described.error ? ` (${described.error}: ${(described.cause ?? '').slice(0, 200)})` : '';
    return [`status ${described.status}, expected ${expected.status}${why}`];
  }
  if (expected.status === 'SUCCEEDED') {
    const output = described.output === undefined ? undefined : JSON.parse(described.output);
    if (!isDeepStrictEqual(output, expected.output))
      return [
        `output ${JSON.stringify(output)?.slice(0, 200)}, expected ${JSON.stringify(expected.output).slice(0, 200)}`,
      ];
  } else if (described.error !== expected.error) return [`error ${described.error}, expected ${expected.error}`];
  return [];
}

/**
 * Function invocations the history shows: each attempt of a function Task
 * (`LambdaFunctionScheduled`, or `TaskScheduled` of resourceType `lambda` for `lambda:invoke`)
 * and each compensation attempt (`CompensationStepScheduled`) — or the `…Started` events where
 * they outnumber the scheduled ones (a host that records every redelivered attempt).
 */
export function visibleInvocations(events: readonly WireEvent[]): number {
  const count = (match: (event: WireEvent) => boolean) => events.filter(match).length;
  const lambda = Math.max(
    count((e) => e.type === 'LambdaFunctionScheduled'),
    count((e) => e.type === 'LambdaFunctionStarted'),
  );
  const invoke = Math.max(
    count((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'lambda'),
    count((e) => e.type === 'TaskStarted' && e.taskStartedEventDetails?.resourceType === 'lambda'),
  );
  return (
    lambda +
    invoke +
    count((e) => e.type === 'CompensationStepScheduled') +
    count((e) => e.type === 'FunctionRedelivered')
  );
}

/**
 * Deliveries the history records as redelivered (a `…Started` with `attempt` > 1, or a
 * compensation step's `FunctionRedelivered`): each follows a delivery whose host was lost, and
 * a host can be lost after recording a start and before the function ran — so up to this many
 * recorded deliveries may have left no trace in the function.
 */
export function redeliveries(events: readonly WireEvent[]): number {
  return events.filter((event) => {
    if (event.type === 'FunctionRedelivered') return true;
    const details = event.lambdaFunctionStartedEventDetails ?? event.taskStartedEventDetails;
    return (event.type === 'LambdaFunctionStarted' || event.type === 'TaskStarted') && (details?.attempt ?? 1) > 1;
  }).length;
}

/** A span of time an execution was open, in epoch ms (`end` undefined while it runs). */
export interface Span {
  start: number;
  end?: number;
}

/** How many spans were open at instant `at`: started at or before it, not closed before it. */
export function openAt(spans: readonly Span[], at: number): number {
  return spans.filter((span) => span.start <= at && (span.end === undefined || span.end >= at)).length;
}

/**
 * The fault plan: `count` trigger points (execution indices) spread over the middle of a run of
 * `executions`, one per slot so faults do not pile up, at a seeded random place in each slot.
 */
export function triggerPoints(count: number, executions: number, next: () => number): number[] {
  const from = Math.floor(executions * 0.1);
  const to = Math.floor(executions * 0.85);
  const slot = (to - from) / Math.max(count, 1);
  return Array.from({ length: count }, (_, i) => Math.floor(from + slot * i + next() * slot * 0.5));
}
