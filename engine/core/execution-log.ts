import type { HistoryEvent } from '../../schemas/history';

/** A state machine's `loggingConfiguration.level`. */
export type LogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';

/** What a state machine's `loggingConfiguration` asks for (Step Functions' defaults: OFF, no data). */
export interface LoggingSettings {
  level: LogLevel;
  includeExecutionData: boolean;
}

const LEVELS = new Set<string>(['ALL', 'ERROR', 'FATAL', 'OFF']);

/** The settings of a stored `loggingConfiguration` (absent or partial: the defaults). */
export function loggingSettings(configuration: unknown): LoggingSettings {
  const config = (typeof configuration === 'object' && configuration !== null ? configuration : {}) as {
    level?: unknown;
    includeExecutionData?: unknown;
  };
  const level = typeof config.level === 'string' && LEVELS.has(config.level) ? (config.level as LogLevel) : 'OFF';
  return { level, includeExecutionData: config.includeExecutionData === true };
}

/** The events FATAL logs: how an execution ended badly. */
const FATAL_TYPES = new Set(['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/**
 * Whether an event of `type` is logged at `level`, as Step Functions' log levels define it: ALL
 * every event; ERROR every failure, timeout and abort (of a Task, an activity, a function, a
 * state, a Map iteration or run, an evaluation, the execution) and `FailStateEntered`; FATAL the
 * execution's own failure, abort or timeout; OFF nothing.
 */
export function isLogged(type: string, level: LogLevel): boolean {
  switch (level) {
    case 'ALL':
      return true;
    case 'ERROR':
      return FATAL_TYPES.has(type) || type === 'FailStateEntered' || /(Failed|TimedOut|Aborted)$/.test(type);
    case 'FATAL':
      return FATAL_TYPES.has(type);
    default:
      return false;
  }
}

/** One execution log event, in the shape Step Functions writes to CloudWatch Logs (numbers as strings). */
export interface ExecutionLogEvent {
  id: string;
  type: string;
  details: Record<string, unknown>;
  previous_event_id: string;
  event_timestamp: string;
  execution_arn: string;
  redrive_count: string;
}

/** Members of event details that carry execution data (left out unless `includeExecutionData`). */
const DATA_MEMBERS = new Set(['input', 'output', 'parameters', 'result']);

/** The details of a history event (its one `…EventDetails` member), without Stepflow's extension. */
function detailsOf(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const details: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
      if (name === 'stepflow' || (!includeData && DATA_MEMBERS.has(name))) continue;
      details[name] = member;
    }
    return details;
  }
  return {};
}

/** The log events of `events` at the execution's settings (none when OFF). */
export function executionLogEvents(
  events: readonly HistoryEvent[],
  settings: LoggingSettings,
  execution: { arn: string; redriveCount: number },
): ExecutionLogEvent[] {
  if (settings.level === 'OFF') return [];
  const logged: ExecutionLogEvent[] = [];
  for (const event of events) {
    if (!isLogged(event.type, settings.level)) continue;
    logged.push({
      id: String(event.id),
      type: event.type,
      details: detailsOf(event, settings.includeExecutionData),
      previous_event_id: String(event.previousEventId ?? 0),
      event_timestamp: String(Date.parse(event.timestamp)),
      execution_arn: execution.arn,
      redrive_count: String(execution.redriveCount),
    });
  }
  return logged;
}
