import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { traceMixin } from './telemetry/log-trace';

/** Fields never written to logs. */
const REDACT = ['password', '*.password', 'headers.authorization', 'taskToken', '*.taskToken'];

/**
 * The root pino logger; children add `component` and, per execution, `executionId`. Lines
 * written inside a traced span carry `traceId` and `spanId`. Human-readable (pino-pretty) when
 * stdout is a terminal, JSON lines otherwise; `format` (LOG_FORMAT) decides instead when given.
 */
export function createLogger(level: string, name = 'stepflow', format?: 'pretty' | 'json'): Logger {
  const options = { name, level, redact: REDACT, mixin: traceMixin };
  const human = format ? format === 'pretty' : Boolean(process.stdout.isTTY);
  return human
    ? pino(options, pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }))
    : pino(options);
}

export type { Logger };
