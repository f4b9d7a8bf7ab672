import { randomBytes } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import { executionContext, TRACER_NAME } from './tracing';

/** Records a state machine's `tracingConfiguration.enabled` (undefined leaves it as it is). */
export async function setTracingEnabled(pool: Pool, stateMachine: string, enabled: boolean | undefined): Promise<void> {
  if (enabled === undefined) return;
  await pool.query('UPDATE state_machines SET tracing_enabled = $2 WHERE name = $1', [stateMachine, enabled]);
}

/**
 * Whether a state machine's executions are traced: its `tracingConfiguration.enabled` (read with
 * the definition a start runs), else the deployment default.
 */
export function tracingEnabled(config: Config, enabled: boolean | null): boolean {
  return enabled ?? config.STEPFLOW_TRACING_DEFAULT === 'enabled';
}

/**
 * `tracingConfiguration.enabled` as DescribeStateMachine reports it: what the user set, false when
 * unset (as AWS answers). `STEPFLOW_TRACING_DEFAULT` only decides whether such executions are traced.
 */
export function configuredTracing(enabled: boolean | null): boolean {
  return enabled ?? false;
}

/**
 * Runs an execution's start inside a `StartExecution` span (the Temporal client interceptor's
 * StartWorkflow span, and so the whole execution, become its children). `start` gets the trace id
 * to keep on the execution (DescribeExecution's `traceId`) before it writes the execution, so the
 * row carries it from its first write. An execution stored with a trace id (its workflow started
 * again: a repeated start, a repair) starts in that trace. A state machine with tracing disabled
 * starts in an unsampled context: nothing of the execution is recorded, and there is no trace id.
 */
export async function traceExecutionStart<T>(
  execution: { executionId: string; stateMachine: string; traceId?: string | null },
  enabled: boolean,
  start: (traceId: string | undefined) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = execution.traceId
    ? trace.setSpanContext(context.active(), {
        traceId: execution.traceId,
        spanId: randomBytes(8).toString('hex'),
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      })
    : executionContext(enabled);
  const span = tracer.startSpan(
    `StartExecution ${execution.stateMachine}`,
    { kind: SpanKind.INTERNAL, attributes: { 'stepflow.execution.id': execution.executionId } },
    parent,
  );
  const traceId = span.isRecording() ? span.spanContext().traceId : undefined;
  try {
    return await context.with(trace.setSpan(context.active(), span), () => start(traceId));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
