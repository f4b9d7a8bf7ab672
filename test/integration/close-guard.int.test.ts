import { closeWithEvents } from '../../engine/db/events-repo';
import { failExecution } from '../../engine/db/executions-repo';
import { createPool, withTransaction, type Pool } from '../../engine/db/pool';
import { appendClosingEvent } from '../../engine/db/terminal-events-repo';
import { call, createMachine, history, startExecution, uniqueName } from './support/client';
import { readStack } from './support/stack';

let pool: Pool;
beforeAll(() => {
  pool = createPool(readStack().databaseUrl);
});
afterAll(async () => {
  await pool.end();
});

describe('closing an execution that something else already closed', () => {
  test("a workflow's late close writes neither its events nor its outcome over the reconciler's ExecutionFailed", async () => {
    const machine = uniqueName('close-guard');
    await createMachine(machine, { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const executionId = await startExecution(machine, {});
    while ((await history(executionId)).length < 2) await new Promise((r) => setTimeout(r, 100));
    // What the reconciler does when it gives up on a workflow task (its workflow keeps waiting
    // here: the database is where the reconciler and a late close race).
    await withTransaction(pool, async (client) => {
      expect(await failExecution(client, executionId, 'States.Runtime', 'kept failing')).toBe(true);
      await appendClosingEvent(client, executionId, {
        type: 'ExecutionFailed',
        detailsKey: 'executionFailedEventDetails',
        details: { error: 'States.Runtime', cause: 'kept failing' },
      });
    });
    const before = await history(executionId);
    expect(before.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed']);
    const at = new Date().toISOString();
    const rows = JSON.stringify([
      { id: 3, previous_event_id: 2, type: 'WaitStateExited', timestamp: at, details: { name: 'W', output: '{}' } },
      { id: 4, previous_event_id: 3, type: 'ExecutionSucceeded', timestamp: at, details: { output: '{}' } },
    ]);
    await closeWithEvents(pool, executionId, rows, {
      status: 'SUCCEEDED',
      output: '{}',
      error: null,
      cause: null,
      stopDate: at,
      resume: null,
    });
    expect(await history(executionId)).toEqual(before);
    const described = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}`);
    expect(described.body).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: 'kept failing' });
    await call('POST', `/v1/executions/${encodeURIComponent(executionId)}/stop`, {});
  });
});
