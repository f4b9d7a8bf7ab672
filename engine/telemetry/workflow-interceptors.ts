/**
 * Workflow interceptors bundled with the workflow code (see bundle-workflows.ts), after
 * @temporalio/interceptors-opentelemetry's, which installs the sandbox's tracer provider (spans
 * leave through a sink, never during replay). This one adds a span per Task state around the
 * function invocation it schedules, so a trace reads API → workflow → state → function, and a
 * span per other state from the history as it is emitted (see StateSpans).
 * Deterministic: it adds no command, reads only the workflow's own clock and random source.
 */
import { context, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import type { ActivityInput, Next, WorkflowInterceptors, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import type { HistoryEvent } from '../../schemas/history';
import { installStateEventObserver, type StateEventObserver } from '../../workflows/state-observer';

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

const STATE_EVENT = /^(\w+)State(Entered|Exited)$/;
/** Events after which nothing of the execution runs on: every state still open ends with them. */
const EXECUTION_END = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/**
 * A span per state other than Task (whose span wraps its function invocation, above), from its
 * `…StateEntered` to its `…StateExited`, timed by the events' workflow clock. A state inside a
 * Parallel branch or a Map iteration is a child of that Parallel or Map state's span: each event
 * continues the chain of the event it follows (`previousEventId`), so the innermost state open on
 * an event's chain is known without replaying the interpreter's scopes. A Fail state's span ends
 * where it starts, in error; the execution's end closes any state left open.
 */
class StateSpans implements StateEventObserver {
  /** Open state spans by their `…StateEntered` event id. */
  private readonly open = new Map<number, { span: Span; enclosing: number }>();
  /** Event id → the `…StateEntered` id of the innermost state open on its chain (0: none). */
  private readonly innermost = new Map<number, number>();

  constructor(private readonly base: () => Context) {}

  observe(event: Readonly<HistoryEvent>): void {
    const enclosing = this.innermost.get(event.previousEventId) ?? 0;
    const match = STATE_EVENT.exec(event.type);
    if (EXECUTION_END.has(event.type)) return this.endAll(event);
    if (!match) return void this.innermost.set(event.id, enclosing);
    const [, type, edge] = match;
    const at = Date.parse(event.timestamp);
    if (edge === 'Entered') {
      const name = (event.stateEnteredEventDetails as { name?: string } | undefined)?.name ?? '';
      if (type === 'Task') return void this.innermost.set(event.id, enclosing);
      const parent = this.open.get(enclosing)?.span;
      const span = trace
        .getTracer('stepflow-workflow')
        .startSpan(
          `${type} ${name}`,
          { startTime: at, attributes: { 'stepflow.state.name': name, 'stepflow.state.type': type } },
          parent ? trace.setSpan(this.base(), parent) : this.base(),
        );
      if (type === 'Fail') {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end(at);
        return void this.innermost.set(event.id, enclosing);
      }
      this.open.set(event.id, { span, enclosing });
      return void this.innermost.set(event.id, event.id);
    }
    const state = this.open.get(enclosing);
    if (type === 'Task' || !state) return void this.innermost.set(event.id, enclosing);
    state.span.setStatus({ code: SpanStatusCode.OK });
    state.span.end(at);
    this.open.delete(enclosing);
    this.innermost.set(event.id, state.enclosing);
  }

  private endAll(event: Readonly<HistoryEvent>): void {
    const at = Date.parse(event.timestamp);
    for (const { span } of this.open.values()) span.end(at);
    this.open.clear();
    this.innermost.clear();
  }
}

export const interceptors = (): WorkflowInterceptors => {
  // While the workflow runs, the active context is its own span (RunWorkflow).
  installStateEventObserver(new StateSpans(() => context.active()));
  return { outbound: [new StateSpanInterceptor()] };
};
