/**
 * Temporal headers that carry tracing between the processes that start workflows and the
 * workflow sandbox. Pure constants: the bundled workflow interceptor imports them.
 */

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
