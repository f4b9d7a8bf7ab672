/**
 * The workflow bundle's interceptors (bundle-workflows.ts): for each workflow, either the spans
 * of OpenTelemetry and of Stepflow's states, or only the trace context carried on.
 *
 * Loading OpenTelemetry is about a third of the workflow thread's CPU for a short workflow (a
 * Map Run child): the sandbox evaluates its modules again for every workflow. So a workflow
 * loads them only when it records spans, which its start decides (SPANS_HEADER): a deployment
 * that exports no span records none. Such a workflow still carries the trace context it started
 * in to its activities, child workflows and next run, so function logs and HTTP functions see
 * the execution's trace id. The decision is read from the start's headers, so a replay makes it
 * again the same way; a workflow started before the header existed records spans, as it did.
 *
 * Deterministic: it adds no command and no yield (each method returns what the next one
 * returns). Without spans it still takes the SDK flag by which the OpenTelemetry interceptors
 * skip their extra yields, so the workflow's history says what one recorded with spans says.
 */
import type { Headers, Next } from '@temporalio/common';
import { composeInterceptors } from '@temporalio/common/lib/interceptors';
import {
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';
import type * as OpenTelemetrySpans from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
import { recordsSpans, SPANS_HEADER, TRACE_HEADER } from './headers';
import type * as StateSpans from './workflow-interceptors';

interface Chains {
  inbound: WorkflowInboundCallsInterceptor[];
  outbound: WorkflowOutboundCallsInterceptor[];
  internals: WorkflowInternalsInterceptor[];
}

/**
 * The span interceptors, in the order they were bundled before: Stepflow's state spans outside
 * (a Task state's span is the parent of the StartActivity span), then the Temporal SDK's, which
 * install the sandbox's tracer provider (spans leave through the `exporter` sink).
 */
function loadSpans(): Chains {
  /* eslint-disable @typescript-eslint/no-require-imports -- evaluated only by a workflow that records spans */
  const states = (require('./workflow-interceptors') as typeof StateSpans).interceptors();
  const otel = (
    require('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors') as typeof OpenTelemetrySpans
  ).interceptors();
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    inbound: [...(states.inbound ?? []), ...(otel.inbound ?? [])],
    outbound: [...(states.outbound ?? []), ...(otel.outbound ?? [])],
    internals: [...(states.internals ?? []), ...(otel.internals ?? [])],
  };
}

/** `next` through the span interceptors' `method` when the workflow records spans. */
function through<I, M extends keyof I>(chain: I[] | undefined, method: M, next: Next<I, M>): Next<I, M> {
  return chain ? composeInterceptors(chain, method, next) : next;
}

function pick(headers: Headers, names: string[]): Headers {
  return Object.fromEntries(names.flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])));
}

export const interceptors = (): WorkflowInterceptors => {
  let spans: Chains | undefined;
  /** Headers the workflow carries on: to activities, and to child workflows and its next run. */
  let toActivities: Headers = {};
  let toWorkflows: Headers = {};
  const carry = (headers: Headers, carried: Headers): Headers => ({ ...carried, ...headers });

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      const header = input.headers[SPANS_HEADER];
      const record = recordsSpans(header);
      if (record) spans = loadSpans();
      else getActivator().hasFlag(SdkFlags.OpenTelemetryInterceporsAvoidsExtraYields);
      if (header !== undefined) {
        toActivities = record ? {} : pick(input.headers, [TRACE_HEADER]);
        toWorkflows = pick(input.headers, record ? [SPANS_HEADER] : [SPANS_HEADER, TRACE_HEADER]);
      }
      return through(spans?.inbound, 'execute', next)(input);
    },
    handleSignal: (input, next) => through(spans?.inbound, 'handleSignal', next)(input),
    handleQuery: (input, next) => through(spans?.inbound, 'handleQuery', next)(input),
    handleUpdate: (input, next) => through(spans?.inbound, 'handleUpdate', next)(input),
    validateUpdate: (input, next) => through(spans?.inbound, 'validateUpdate', next)(input),
  };

  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) =>
      through(spans?.outbound, 'scheduleActivity', next)({ ...input, headers: carry(input.headers, toActivities) }),
    scheduleLocalActivity: (input, next) =>
      through(
        spans?.outbound,
        'scheduleLocalActivity',
        next,
      )({ ...input, headers: carry(input.headers, toActivities) }),
    startChildWorkflowExecution: (input, next) =>
      through(
        spans?.outbound,
        'startChildWorkflowExecution',
        next,
      )({
        ...input,
        headers: carry(input.headers, toWorkflows),
      }),
    continueAsNew: (input, next) =>
      through(spans?.outbound, 'continueAsNew', next)({ ...input, headers: carry(input.headers, toWorkflows) }),
    signalWorkflow: (input, next) =>
      through(spans?.outbound, 'signalWorkflow', next)({ ...input, headers: carry(input.headers, toActivities) }),
    startNexusOperation: (input, next) => through(spans?.outbound, 'startNexusOperation', next)(input),
    getLogAttributes: (input, next) => through(spans?.outbound, 'getLogAttributes', next)(input),
    getMetricTags: (input, next) => through(spans?.outbound, 'getMetricTags', next)(input),
  };

  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => through(spans?.internals, 'dispose', next)(input),
  };

  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
