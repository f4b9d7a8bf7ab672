import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
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
export async function configuredTracing(pool: Pool, stateMachine: string): Promise<boolean> {
  const { rows } = await pool.query<{ enabled: boolean | null }>(
    'SELECT tracing_enabled AS enabled FROM state_machines WHERE name = $1',
    [stateMachine],
  );
  return rows[0]?.enabled ?? false;
}

/**
 * Runs an execution's start inside a `StartExecution` span (the Temporal client interceptor's
 * StartWorkflow span, and so the whole execution, become its children). `start` gets the trace id
 * to keep on the execution (DescribeExecution's `traceId`) before it writes the execution, so the
 * row carries it from its first write. A state machine with tracing disabled starts in an
 * unsampled context: nothing of the execution is recorded, and there is no trace id.
 */
export async function traceExecutionStart<T>(
  execution: { executionId: string; stateMachine: string },
  enabled: boolean,
  start: (traceId: string | undefined) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(
    `StartExecution ${execution.stateMachine}`,
    { kind: SpanKind.INTERNAL, attributes: { 'stepflow.execution.id': execution.executionId } },
    executionContext(enabled),
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
