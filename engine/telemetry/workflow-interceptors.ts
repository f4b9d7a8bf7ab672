/**
 * Workflow interceptors bundled with the workflow code (see bundle-workflows.ts), after
 * @temporalio/interceptors-opentelemetry's, which installs the sandbox's tracer provider (spans
 * leave through a sink, never during replay). This one adds a span per Task state around the
 * function invocation it schedules, so a trace reads API → workflow → state → function.
 * Deterministic: it adds no command, reads only the workflow's own clock and random source.
 */
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import type { ActivityInput, Next, WorkflowInterceptors, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

/** Activity types that run a Task state's resource. */
const TASK_ACTIVITIES = new Set(['invokeFunction', 'enqueueActivityTask']);

class StateSpanInterceptor implements WorkflowOutboundCallsInterceptor {
  async scheduleActivity(
    input: ActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
  ): Promise<unknown> {
    const invocation = input.args[0] as
      { stateName?: unknown; executionId?: unknown; functionName?: unknown } | undefined;
    if (!TASK_ACTIVITIES.has(input.activityType) || typeof invocation?.stateName !== 'string') return next(input);
    const tracer = trace.getTracer('stepflow-workflow');
    const span = tracer.startSpan(`Task ${invocation.stateName}`, {
      attributes: {
        'stepflow.state.name': invocation.stateName,
        'stepflow.state.type': 'Task',
        ...(typeof invocation.executionId === 'string' ? { 'stepflow.execution.id': invocation.executionId } : {}),
        ...(typeof invocation.functionName === 'string' ? { 'stepflow.function.name': invocation.functionName } : {}),
      },
    });
    try {
      const result = await context.with(trace.setSpan(context.active(), span), () => next(input));
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  }
}

export const interceptors = (): WorkflowInterceptors => ({ outbound: [new StateSpanInterceptor()] });
