import type { Pool } from 'pg';
import { executionLogEvents, loggingSettings } from '../engine/core/execution-log';
import { executionArn } from '../engine/core/arn';
import { decodeEventBatch } from '../engine/core/event-rows';
import type { Logger } from '../engine/logger';
import type { HistoryEvent } from '../schemas/history';

/** How long the worker trusts what it read of a logging configuration (and of a redrive count). */
const SETTINGS_TTL_MS = 5_000;
/** Entries a cache keeps at most (the oldest are forgotten first). */
const MAX_CACHED = 10_000;

interface Cached<T> {
  value: T;
  at: number;
}

/** A small time-bounded cache: `load` runs at most once per key every SETTINGS_TTL_MS. */
function ttlCache<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const entries = new Map<string, Cached<T>>();
  return async (key) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < SETTINGS_TTL_MS) return hit.value;
    const value = await load(key);
    entries.delete(key);
    entries.set(key, { value, at: now });
    if (entries.size > MAX_CACHED) entries.delete(entries.keys().next().value as string);
    return value;
  };
}

/**
 * Writes an execution's history events to the worker log as Step Functions' execution log events
 * (`loggingConfiguration` of its state machine: level ALL / ERROR / FATAL, `includeExecutionData`),
 * one structured pino line per event with `executionArn` and `executionId`. The configuration is
 * read once per state machine every SETTINGS_TTL_MS (the execution id `<machine>:<name>` names
 * it), never per event; at level OFF nothing else is read and nothing is parsed. A failure to
 * read it never fails the history write.
 */
export function executionLogWriter(pool: Pool, log: Logger) {
  const settingsOf = ttlCache(async (machine) => {
    const { rows } = await pool.query('SELECT logging_configuration AS logging FROM state_machines WHERE name = $1', [
      machine,
    ]);
    return loggingSettings((rows[0] as { logging?: unknown } | undefined)?.logging);
  });
  const redriveCountOf = ttlCache(async (executionId) => {
    const { rows } = await pool.query('SELECT redrive_count AS n FROM executions WHERE execution_id = $1', [
      executionId,
    ]);
    return (rows[0] as { n?: number } | undefined)?.n ?? 0;
  });

  /** Logs `events` (or, lazily, the events of a bulk batch's row text) at the execution's level. */
  return async (executionId: string, events: HistoryEvent[] | string): Promise<void> => {
    try {
      const separator = executionId.indexOf(':');
      if (separator < 0) return;
      const machine = executionId.slice(0, separator);
      const settings = await settingsOf(machine);
      if (settings.level === 'OFF') return;
      const arn = executionArn(machine, executionId.slice(separator + 1));
      const execution = { arn, redriveCount: await redriveCountOf(executionId) };
      const list = typeof events === 'string' ? decodeEventBatch(events) : events;
      for (const entry of executionLogEvents(list, settings, execution)) {
        log.info({ executionArn: arn, executionId, executionLog: entry }, `execution log: ${entry.type}`);
      }
    } catch (err) {
      log.warn({ executionId, err }, 'execution log events not written');
    }
  };
}
