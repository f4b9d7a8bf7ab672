import pino, { type Logger } from 'pino';

/** Fields never written to logs. */
const REDACT = ['password', '*.password', 'headers.authorization', 'taskToken', '*.taskToken'];

/** The root pino logger; children add `component` and, per execution, `executionId`. */
export function createLogger(level: string, name = 'stepflow'): Logger {
  return pino({ name, level, redact: REDACT });
}

export type { Logger };
