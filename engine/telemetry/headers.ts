/**
 * Temporal headers that carry tracing between the processes that start workflows and the
 * workflow sandbox. Pure: the bundled workflow interceptor imports them.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/**
 * Whether a workflow records spans: `true` or `false` (a JSON payload), set by every Stepflow
 * process that starts a workflow (true when it exports spans: `OTEL_EXPORTER_OTLP_ENDPOINT`)
 * and carried by the workflow to its child workflows and to its next run. A workflow started
 * without it (before this header existed) records spans, as it did when it started.
 */
export const SPANS_HEADER = 'stepflow-spans';

/**
 * The header @temporalio/interceptors-opentelemetry carries a trace context in (its
 * `TRACE_HEADER`; test/unit/telemetry-headers.test.ts checks they agree). Spelled out here so
 * the sandbox reads it without loading OpenTelemetry.
 */
export const TRACE_HEADER = '_tracer-data';

/**
 * Whether a workflow started with this SPANS_HEADER records spans: yes without one (started
 * before it existed, as it did then) or with `true`; no with `false` or with anything that is not
 * a JSON boolean (a start made by hand through Temporal must not fail the workflow's tasks).
 */
export function recordsSpans(header: Payload | undefined): boolean {
  if (header === undefined) return true;
  try {
    return defaultPayloadConverter.fromPayload(header) === true;
  } catch {
    return false;
  }
}
