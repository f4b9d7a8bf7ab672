import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { Config } from '../../schemas/config';
import { SPANS_HEADER } from './headers';

/** Whether this deployment exports spans: an OTLP endpoint is configured. */
export function spansExported(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT'>): boolean {
  return config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
}

/**
 * Puts SPANS_HEADER on every workflow this client starts: whether the workflow records spans
 * (workflow-tracing.ts). One that records none never loads OpenTelemetry in the sandbox.
 */
export function spansHeaderInterceptor(spans: boolean): WorkflowClientInterceptor {
  const payload = defaultPayloadConverter.toPayload(spans);
  const withHeader = (headers: Headers): Headers => ({ ...headers, [SPANS_HEADER]: payload });
  return {
    start: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    startWithDetails: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    signalWithStart: (input, next) => next({ ...input, headers: withHeader(input.headers) }),
    startUpdateWithStart: (input, next) =>
      next({ ...input, workflowStartHeaders: withHeader(input.workflowStartHeaders) }),
  };
}
