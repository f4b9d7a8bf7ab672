import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TRACER_NAME } from './tracing';

const kSpan = Symbol('stepflow.telemetry.span');
type TracedRequest = FastifyRequest & { [kSpan]?: Span };

/**
 * A server span per API request (`<METHOD> <route>`), continuing a caller's `traceparent`, and
 * active while the request is handled: what it starts (executions) and logs belong to its trace.
 * The answer carries the context back in `traceparent`. Call on the root instance.
 */
export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = trace.getTracer(TRACER_NAME).startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'stepflow.request.id': request.id },
      },
      parent,
    );
    (request as TracedRequest)[kSpan] = span;
    const active = trace.setSpan(parent, span);
    const carrier: Record<string, string> = {};
    propagation.inject(active, carrier);
    if (carrier.traceparent) reply.header('traceparent', carrier.traceparent);
    context.with(active, done);
  });
  app.addHook('onError', async (request, _reply, err) => {
    (request as TracedRequest)[kSpan]?.recordException(err);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = (request as TracedRequest)[kSpan];
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
