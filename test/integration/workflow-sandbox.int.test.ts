import { Client, Connection } from '@temporalio/client';
import { call, createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { readStack } from './support/stack';

/**
 * The worker's workflow sandbox records no stack traces (workflows/sandbox.ts): the SDK's promise
 * hook would otherwise capture one per promise the interpreter creates, through the source map.
 * Temporal's stack trace query is what shows it from outside: it lists every pending promise's
 * stack, so a parked execution (a Wait timer, a signal handler) would name `stepflowExecution`.
 */
describe('workflow sandbox on the real stack', () => {
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
});
