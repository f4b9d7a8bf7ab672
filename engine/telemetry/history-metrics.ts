import type { Metrics } from '../metrics';
import type { HistoryEvent } from '../../schemas/history';

/** Closing events and the status each means. */
const CLOSING: Readonly<Record<string, string>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** Entered times of states not yet left, per execution and state, to time states split across batches. */
const open = new Map<string, number>();
/** At most this many states are remembered (a worker restart or another worker loses some timings). */
const OPEN_MAX = 50_000;

/** The state machine of an execution id (`<state machine>:<name>`). */
export function stateMachineOf(executionId: string): string {
  const colon = executionId.indexOf(':');
  return colon > 0 ? executionId.slice(0, colon) : 'unknown';
}

/** What the metrics read of a history event: its type, time and state name ('' when none). */
export interface EventMark {
  type: string;
  timestamp: string;
  name: string;
}

/** The marks of history events given as objects. */
export function eventMarks(events: readonly HistoryEvent[]): EventMark[] {
  return events.map((event) => {
    const details = Object.values(event).find(
      (value): value is { name?: unknown } => typeof value === 'object' && value !== null && 'name' in value,
    );
    return {
      type: event.type,
      timestamp: event.timestamp,
      name: typeof details?.name === 'string' ? details.name : '',
    };
  });
}

/**
 * Prometheus from a batch of history events: states entered (`stepflow_state_transitions_total`),
 * time in each state (`…StateEntered` to `…StateExited`, `stepflow_state_duration_seconds`),
 * executions started and ended (`stepflow_executions_total`) and their duration
 * (`stepflow_execution_duration_seconds`), by state machine and state type or status.
 */
export function observeHistory(
  metrics: Metrics,
  executionId: string,
  events: readonly EventMark[],
  /** When the execution started (epoch ms), for a closing batch written by another process than its start. */
  startedAt?: number,
): void {
  const machine = stateMachineOf(executionId);
  for (const event of events) {
    const at = Date.parse(event.timestamp);
    if (event.type.endsWith('StateEntered')) {
      const type = event.type.slice(0, -'StateEntered'.length);
      metrics.stateTransitions.inc({ state_machine: machine, type });
      if (open.size >= OPEN_MAX) open.delete(open.keys().next().value as string);
      open.set(`${executionId}\u0000${event.name}`, at);
    } else if (event.type.endsWith('StateExited')) {
      const key = `${executionId}\u0000${event.name}`;
      const entered = open.get(key);
      open.delete(key);
      if (entered !== undefined && at >= entered)
        metrics.stateDuration.observe(
          { state_machine: machine, type: event.type.slice(0, -'StateExited'.length) },
          (at - entered) / 1000,
        );
    } else if (event.type === 'ExecutionStarted') {
      metrics.executionsByMachine.inc({ state_machine: machine, status: 'RUNNING' });
      open.set(`${executionId}\u0000`, at);
    } else if (CLOSING[event.type]) {
      const status = CLOSING[event.type] as string;
      metrics.executionsByMachine.inc({ state_machine: machine, status });
      const started = open.get(`${executionId}\u0000`) ?? startedAt;
      open.delete(`${executionId}\u0000`);
      if (started !== undefined && at >= started)
        metrics.executionDuration.observe({ state_machine: machine, status }, (at - started) / 1000);
      for (const key of [...open.keys()]) if (key.startsWith(`${executionId}\u0000`)) open.delete(key);
    }
  }
}
