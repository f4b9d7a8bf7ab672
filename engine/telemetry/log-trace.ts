import { trace } from '@opentelemetry/api';

/** pino mixin: `traceId` and `spanId` of the active span on every log line written inside one. */
export function traceMixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & 1 ? { traceId, spanId } : {};
}
