import type { ScheduleClientInterceptor, WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { Config } from '../../schemas/config';
import { SPANS_HEADER } from './headers';

/** Whether this deployment exports spans: an OTLP endpoint is configured. */
export function spansExported(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT'>): boolean {
  return config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
}

function withSpansHeader(spans: boolean): (headers: Headers) => Headers {
  const payload = defaultPayloadConverter.toPayload(spans);
  return (headers) => ({ ...headers, [SPANS_HEADER]: payload });
}

/**
 * Puts SPANS_HEADER on every workflow this client starts: whether the workflow records spans
 * (workflow-tracing.ts). One that records none never loads OpenTelemetry in the sandbox.
 */
export function spansHeaderInterceptor(spans: boolean): WorkflowClientInterceptor {
  const withHeader = withSpansHeader(spans);
  return {
    start: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    startWithDetails: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    signalWithStart: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    startUpdateWithStart: (input, next) =>
      next({ ...input, workflowStartHeaders: withHeader(input.workflowStartHeaders) }),
  };
}

/** The same for the workflows a schedule this client creates will start (its action's headers). */
export function spansScheduleInterceptor(spans: boolean): ScheduleClientInterceptor {
  const withHeader = withSpansHeader(spans);
  return { create: (input, next) => next({ ...input, headers: withHeader(input.headers) }) };
}
