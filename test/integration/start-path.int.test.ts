import { pino } from 'pino';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../engine/config';
import { TRACE_HEADER } from '../../engine/telemetry/headers';
import { createPool, type Pool } from '../../engine/db/pool';
import { describeExecution } from '../../engine/service/describe';
import { flushStartedMarks, startExecution, startPendingWorkflows } from '../../engine/service/start';
import type { ServiceDeps } from '../../engine/service/deps';
import { installTracing, type Tracing } from '../../engine/telemetry/tracing';
import { createTemporalClient } from '../../engine/temporal/client';
import { DeleteStateMachineCommand } from '@aws-sdk/client-sfn';
import { setTracingEnabled } from '../../engine/telemetry/execution-trace';
import { createMachine, sfnClient, uniqueName, waitForEnd } from './support/client';
import { readStack } from './support/stack';
import { countStatements } from './support/statements';
import { startHeaders } from './support/temporal-runs';

const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } };

async function rowsOf(pool: Pool, ids: string[]): Promise<Array<{ started: boolean; traceId: string | null }>> {
  const { rows } = await pool.query<{ id: string; started: boolean; traceId: string | null }>(
    'SELECT execution_id AS id, workflow_started AS started, trace_id AS "traceId" FROM executions WHERE execution_id = ANY($1)',
    [ids],
  );
  return ids.map((id) => {
    const row = rows.find((found) => found.id === id);
    return { started: row?.started ?? false, traceId: row?.traceId ?? null };
  });
}

let deps: ServiceDeps;
let temporal: Client;
let tracing: Tracing;

beforeAll(async () => {
  const stack = readStack();
  const config = loadConfig({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
  });
  // As in the API process: a tracer provider, so a traced start has a trace id.
  tracing = installTracing(config, 'api');
  temporal = await createTemporalClient(stack.temporalAddress, stack.namespace, { spans: false });
  deps = { pool: createPool(stack.databaseUrl), temporal, config, log: pino({ level: 'silent' }) };
});

afterAll(async () => {
  await temporal.connection.close();
  await deps.pool.end();
  await tracing.shutdown();
});

describe('the start path', () => {
  test('a start writes its trace id with the row, and a burst of starts is marked started in a few statements', async () => {
    const machine = uniqueName('start-burst');
    await createMachine(machine, PASS);
    const marks = countStatements(deps.pool, 'SET workflow_started = true');
    const starts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => startExecution(deps, machine, { name: `run-${i}`, input: { i } })),
    );
    const ids = starts.map(({ execution }) => execution.executionId);
    expect(starts.every(({ created }) => created)).toBe(true);
    // The trace id is there as soon as the start answers: it was written with the row.
    for (const id of ids) expect((await describeExecution(deps, id)).traceId).toMatch(/^[0-9a-f]{32}$/);
    // The answer carries the input as given (not read back from the insert), the row stores it.
    expect(starts.map(({ execution }) => execution.input)).toEqual(ids.map((_, i) => ({ i })));
    for (const [i, id] of ids.entries()) expect((await describeExecution(deps, id)).input).toEqual({ i });

    await flushStartedMarks(deps.pool);
    const rows = await rowsOf(deps.pool, ids);
    expect(rows.map((row) => row.started)).toEqual(ids.map(() => true));
    expect(marks.count).toBeGreaterThanOrEqual(1);
    expect(marks.count).toBeLessThan(ids.length);
    for (const id of ids) expect((await waitForEnd(id)).status).toBe('SUCCEEDED');
  });

  test('the reconciler starts an execution whose start was never confirmed, keeping its trace id', async () => {
    const machine = uniqueName('start-repair');
    await createMachine(machine, PASS);
    const { rows } = await deps.pool.query<{ version: number }>(
      'SELECT latest_version AS version FROM state_machines WHERE name = $1',
      [machine],
    );
    // What a crash between the row's write and the workflow start leaves behind.
    const executionId = `${machine}:orphan`;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await deps.pool.query(
      `INSERT INTO executions (execution_id, state_machine, version, name, status, input, trace_id, start_date)
       VALUES ($1, $2, $3, 'orphan', 'RUNNING', '{"a":1}', $4, now() - interval '1 minute')`,
      [executionId, machine, rows[0]?.version, traceId],
    );
    // The stack's own API may repair it first: either way, the repair path runs.
    await startPendingWorkflows(deps, 30_000);
    const done = await waitForEnd(executionId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { ok: true }, traceId });
    expect(await rowsOf(deps.pool, [executionId])).toEqual([{ started: true, traceId }]);
    // The workflow runs in the trace the row names (its start header carries it).
    const history = await temporal.workflow.getHandle(executionId).fetchHistory();
    const traceContext = startHeaders(history)[TRACE_HEADER];
    expect(JSON.parse(Buffer.from(traceContext?.data ?? []).toString('utf8'))).toEqual({
      traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)),
    });
  });

  test('a start writes its row in one round trip, and sees an update, a tracing change and a delete made elsewhere', async () => {
    const machine = uniqueName('start-current');
    await createMachine(machine, PASS);
    const start = async (name: string) => (await startExecution(deps, machine, { name, input: {} })).execution;
    expect((await waitForEnd((await start('first')).executionId)).output).toEqual({ ok: true });

    // The definition this process resolved is checked by the insert, not read again.
    const reads = countStatements(deps.pool, 'JOIN state_machine_versions');
    const second = await start('second');
    expect(reads.count).toBe(0);
    expect(second.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await waitForEnd(second.executionId)).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });

    // Another process (the stack's API) submits a new definition: the next start runs it.
    await createMachine(machine, { ...PASS, States: { P: { Type: 'Pass', Result: { ok: 2 }, End: true } } });
    const third = await start('third');
    expect(await waitForEnd(third.executionId)).toMatchObject({ status: 'SUCCEEDED', output: { ok: 2 } });
    expect(reads.count).toBe(1);

    // Tracing turned off elsewhere: the next start has no trace id.
    await setTracingEnabled(deps.pool, machine, false);
    const fourth = await start('fourth');
    expect(fourth.traceId).toBeUndefined();
    expect((await waitForEnd(fourth.executionId)).status).toBe('SUCCEEDED');

    // Deleted elsewhere: the next start is refused, and writes nothing.
    const sfn = sfnClient();
    await sfn.send(
      new DeleteStateMachineCommand({
        stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${machine}`,
      }),
    );
    sfn.destroy();
    await expect(start('fifth')).rejects.toMatchObject({ code: 'STATE_MACHINE_NOT_FOUND' });
    const { rows } = await deps.pool.query('SELECT 1 FROM executions WHERE execution_id = $1', [`${machine}:fifth`]);
    expect(rows).toEqual([]);
  });
});
