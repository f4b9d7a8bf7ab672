import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import { executionContext, TRACER_NAME } from './tracing';

/** Records a state machine's `tracingConfiguration.enabled` (undefined leaves it as it is). */
export async function setTracingEnabled(pool: Pool, stateMachine: string, enabled: boolean | undefined): Promise<void> {
  if (enabled === undefined) return;
  await pool.query('UPDATE state_machines SET tracing_enabled = $2 WHERE name = $1', [stateMachine, enabled]);
}

/** Whether a state machine's executions are traced: its `tracingConfiguration.enabled`, else the deployment default. */
export async function tracingEnabled(pool: Pool, config: Config, stateMachine: string): Promise<boolean> {
  const { rows } = await pool.query<{ enabled: boolean | null }>(
    'SELECT tracing_enabled AS enabled FROM state_machines WHERE name = $1',
    [stateMachine],
  );
  return rows[0]?.enabled ?? config.STEPFLOW_TRACING_DEFAULT === 'enabled';
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
 * Runs an execution's workflow start inside a `StartExecution` span (the Temporal client
 * interceptor's StartWorkflow span, and so the whole execution, become its children) and returns
 * the trace id to keep on the execution (DescribeExecution's `traceId`). A state machine with
 * tracing disabled starts in an unsampled context: nothing of the execution is recorded, and
 * there is no trace id.
 */
export async function traceExecutionStart(
  deps: { pool: Pool; config: Config },
  execution: { executionId: string; stateMachine: string },
  start: () => Promise<void>,
): Promise<string | undefined> {
  const enabled = await tracingEnabled(deps.pool, deps.config, execution.stateMachine);
  const tracer = trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(
    `StartExecution ${execution.stateMachine}`,
    { kind: SpanKind.INTERNAL, attributes: { 'stepflow.execution.id': execution.executionId } },
    executionContext(enabled),
  );
  try {
    await context.with(trace.setSpan(context.active(), span), start);
    return span.isRecording() ? span.spanContext().traceId : undefined;
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
