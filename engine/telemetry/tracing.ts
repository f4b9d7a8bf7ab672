import { context, propagation, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../../schemas/config';

/** The tracer every Stepflow span outside the workflow sandbox comes from. */
export const TRACER_NAME = 'stepflow';

/** What a process needs to trace: the provider's processor and resource (the worker's sinks use them). */
export interface Tracing {
  resource: Resource;
  processor: SpanProcessor;
  /** Set when no OTLP endpoint is configured and `memory` was asked for (tests). */
  memory?: InMemorySpanExporter;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Installs the process's OpenTelemetry tracer provider, once: spans go to OTLP/HTTP at
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (`…/v1/traces`) when it is set, else nowhere (trace ids still
 * reach the logs and DescribeExecution). W3C `traceparent` propagation; AsyncLocalStorage context.
 */
export function installTracing(config: Config, role: string, options: { memory?: boolean } = {}): Tracing {
  if (installed) return installed;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? `stepflow-${role}` });
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  const memory = !endpoint && options.memory ? new InMemorySpanExporter() : undefined;
  const processor: SpanProcessor = endpoint
    ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), {
        scheduledDelayMillis: 500,
      })
    : memory
      ? new SimpleSpanProcessor(memory)
      : { forceFlush: async () => {}, onStart: () => {}, onEnd: () => {}, shutdown: async () => {} };
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  installed = { resource, processor, memory, shutdown: () => provider.shutdown() };
  return installed;
}

/**
 * The context to start an execution in: the active one, or — when the state machine's
 * `tracingConfiguration.enabled` is false — one whose span is not sampled, so the workflow,
 * its states and its functions record nothing (the flag travels in `traceparent`).
 */
export function executionContext(tracingEnabled: boolean | null | undefined): Context {
  if (tracingEnabled !== false) return context.active();
  const active = trace.getActiveSpan()?.spanContext();
  const unsampled = {
    traceId: active?.traceId ?? '0af7651916cd43dd8448eb211c80319c',
    spanId: active?.spanId ?? 'b7ad6b7169203331',
    traceFlags: TraceFlags.NONE,
    isRemote: true,
  };
  return trace.setSpanContext(context.active(), unsampled);
}

/** Adds the active trace context (`traceparent`, `tracestate`) to outgoing HTTP headers (HTTP functions). */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}
