import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { TRACE_HEADER as OTEL_TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { temporal } from '@temporalio/proto';
import { recordsSpans, SPANS_HEADER, TRACE_HEADER } from '../../engine/telemetry/headers';
import { spansExported, spansHeaderInterceptor, spansScheduleInterceptor } from '../../engine/telemetry/spans-header';

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');

function startHeaders(file: string) {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES, file)));
  return history.events[0].workflowExecutionStartedEventAttributes?.header?.fields ?? {};
}

describe('tracing headers', () => {
  test('the sandbox reads the trace context from the header the OpenTelemetry interceptors write', () => {
    expect(TRACE_HEADER).toBe(OTEL_TRACE_HEADER);
  });

  test('a workflow records spans without the header or with true, not with false or a malformed one', () => {
    expect(recordsSpans(undefined)).toBe(true);
    expect(recordsSpans(defaultPayloadConverter.toPayload(true))).toBe(true);
    expect(recordsSpans(defaultPayloadConverter.toPayload(false))).toBe(false);
    expect(recordsSpans(defaultPayloadConverter.toPayload('yes'))).toBe(false);
    const malformed = {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode('{'),
    };
    expect(recordsSpans(malformed)).toBe(false);
    expect(recordsSpans({ metadata: { encoding: new TextEncoder().encode('no/such') } })).toBe(false);
  });

  test('a deployment exports spans exactly when an OTLP endpoint is configured', () => {
    expect(spansExported({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(spansExported({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined })).toBe(false);
  });

  test('the client puts the decision on every start and keeps the other headers', async () => {
    const interceptor = spansHeaderInterceptor(false);
    const seen: Array<Record<string, unknown>> = [];
    const input = { headers: { other: defaultPayloadConverter.toPayload('kept') } } as never;
    await interceptor.start?.(input, async (given) => {
      seen.push(given.headers);
      return 'run';
    });
    await interceptor.signalWithStart?.(input, async (given) => {
      seen.push(given.headers);
      return 'run';
    });
    expect(seen).toHaveLength(2);
    for (const headers of seen) {
      expect(Object.keys(headers).sort()).toEqual(['other', SPANS_HEADER]);
      expect(defaultPayloadConverter.fromPayload(headers[SPANS_HEADER] as never)).toBe(false);
    }
  });

  test("a schedule's action carries the decision to the workflows it starts", async () => {
    let headers: Record<string, unknown> = {};
    await spansScheduleInterceptor(true).create?.({ headers: {}, options: {} } as never, async (given) => {
      headers = given.headers;
      return { conflictToken: new Uint8Array() };
    });
    expect(Object.keys(headers)).toEqual([SPANS_HEADER]);
    expect(defaultPayloadConverter.fromPayload(headers[SPANS_HEADER] as never)).toBe(true);
  });

  // The replay suite runs both paths of workflow-tracing.ts only if the histories hold both.
  test('committed histories cover workflows started without spans and before the header', () => {
    expect(defaultPayloadConverter.fromPayload(startHeaders('unexported-spans-saga.history.bin')[SPANS_HEADER])).toBe(
      false,
    );
    const child = startHeaders('unexported-spans-map-run-child.history.bin');
    expect(defaultPayloadConverter.fromPayload(child[SPANS_HEADER])).toBe(false);
    expect(child[TRACE_HEADER]).toBeDefined();
    expect(startHeaders('state-spans-parallel-map.history.bin')[SPANS_HEADER]).toBeUndefined();
  });
});
