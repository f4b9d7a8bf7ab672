import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { SPANS_HEADER, TRACE_HEADER } from '../../engine/telemetry/headers';
import { call, createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';
import { readStack } from './support/stack';
import { startHeaders } from './support/temporal-runs';

const { EventType } = proto.api.enums.v1;

/** What the execution workflow costs in Temporal and in the worker, seen from outside. */
describe('the execution workflow on the real stack', () => {
  let temporal: Client;
  beforeAll(async () => {
    temporal = new Client({
      connection: await Connection.connect({ address: readStack().temporalAddress }),
      namespace: readStack().namespace,
    });
  });
  afterAll(async () => {
    await temporal?.connection.close();
  });

  // The sandbox records no stack traces (workflows/sandbox.ts): the SDK's promise hook would
  // capture one per promise the interpreter creates, through the source map. The stack trace
  // query lists every pending promise's stack, so a parked execution would name stepflowExecution.
  test('a parked execution answers the stack trace query without a frame, and still runs to its end', async () => {
    const machine = uniqueName('sandbox');
    await createMachine(machine, {
      StartAt: 'Park',
      States: { Park: { Type: 'Wait', Seconds: 300, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
    });
    const id = await startExecution(machine, { parked: true });
    const handle = temporal.workflow.getHandle(id);
    let trace = '';
    const deadline = Date.now() + 60_000;
    // The query answers once the first workflow task has run (the execution is in its Wait).
    for (;;) {
      try {
        trace = await handle.query<string>('__stack_trace');
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(typeof trace).toBe('string');
    expect(trace).not.toMatch(/\bat\s/);
    expect(trace).not.toContain('stepflowExecution');
    const enhanced = await handle.query<{ stacks: Array<{ locations: unknown[] }> }>('__enhanced_stack_trace');
    expect(enhanced.stacks.flatMap((stack) => stack.locations)).toEqual([]);

    const stopped = await call('POST', `/v1/executions/${id}/stop`, { error: 'Done', cause: 'test over' });
    expect(stopped.status).toBe(200);
    expect(await waitForEnd(id)).toMatchObject({ status: 'ABORTED' });
  });

  // A new execution starts with its features (ExecutionWorkflowInput.features): no patch marker
  // and no TemporalChangeVersion upsert, only the Task's activity and the closing history write.
  test('a new execution records no patch marker and no search attribute upsert in Temporal', async () => {
    const machine = uniqueName('footprint');
    await createMachine(machine, {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { a: 1, b: 2 }, Next: 'Add' },
        Add: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add', End: true },
      },
    });
    const id = await startExecution(machine, {});
    expect(await waitForEnd(id)).toMatchObject({ status: 'SUCCEEDED', output: { sum: 3 } });
    const handle = temporal.workflow.getHandle(id);
    // A top-level execution's output is in the store, not a second time in Temporal's history.
    expect(await handle.result()).toEqual({ status: 'SUCCEEDED' });
    const { events } = await handle.fetchHistory();
    const kinds = (events ?? [])
      .filter((event) => !EventType[event.eventType ?? 0].startsWith('EVENT_TYPE_WORKFLOW_TASK_'))
      .map((event) =>
        event.markerRecordedEventAttributes
          ? `MARKER ${event.markerRecordedEventAttributes.markerName}`
          : EventType[event.eventType ?? 0].replace('EVENT_TYPE_', ''),
      );
    expect(kinds).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'ACTIVITY_TASK_SCHEDULED',
      'ACTIVITY_TASK_STARTED',
      'ACTIVITY_TASK_COMPLETED',
      'MARKER core_local_activity',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });

  // This stack exports no span (no OTLP endpoint): its workflows record none and never load
  // OpenTelemetry in the sandbox (engine/telemetry/workflow-tracing.ts). The trace context the API
  // started the execution in still reaches its function and its Map Run's children as it was:
  // OpenTelemetry's interceptors would have put a StartActivity span's context there instead.
  test('without a span exporter an execution carries its start trace context to functions and children', async () => {
    const machine = uniqueName('unexported');
    await createMachine(machine, {
      StartAt: 'Add',
      States: {
        Add: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add',
          ResultPath: '$.sum',
          Next: 'Fan',
        },
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Echo',
            States: { Echo: { Type: 'Pass', End: true } },
          },
          ResultPath: null,
          End: true,
        },
      },
    });
    const id = await startExecution(machine, { a: 1, b: 2, items: [7] });
    const done = await waitForEnd(id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { sum: { sum: 3 } } });
    const temporalHistory = async (workflowId: string) => {
      const handle = temporal.workflow.getHandle(workflowId);
      await handle.result();
      return handle.fetchHistory();
    };
    const text = (payload: proto.api.common.v1.IPayload | null | undefined) =>
      Buffer.from(payload?.data ?? []).toString('utf8');

    const parentHistory = await temporalHistory(id);
    const parent = parentHistory.events ?? [];
    const started = startHeaders(parentHistory);
    expect(defaultPayloadConverter.fromPayload(started[SPANS_HEADER])).toBe(false);
    const traceContext = text(started[TRACE_HEADER]);
    expect(JSON.parse(traceContext)).toEqual({
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });
    // DescribeExecution names that trace (kept by the start's one write of the execution row).
    expect(done.traceId).toBe((JSON.parse(traceContext) as { traceparent: string }).traceparent.split('-')[1]);
    const scheduled = parent.filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'invokeFunction',
    );
    expect(scheduled).toHaveLength(1);
    expect(text(scheduled[0].activityTaskScheduledEventAttributes?.header?.fields?.[TRACE_HEADER])).toBe(traceContext);

    const mapRunArn = (await history(id)).find((event) => event.type === 'MapRunStarted').mapRunStartedEventDetails
      .mapRunArn as string;
    const children = await call('GET', `/v1/executions?mapRunArn=${encodeURIComponent(mapRunArn)}&limit=10`);
    expect(children.body.executions).toHaveLength(1);
    const child = startHeaders(await temporalHistory(children.body.executions[0].executionId as string));
    expect(defaultPayloadConverter.fromPayload(child[SPANS_HEADER])).toBe(false);
    expect(text(child[TRACE_HEADER])).toBe(traceContext);
  });
});
