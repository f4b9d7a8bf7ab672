import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../../schemas/history';
import { encodeEventBatch, PAYLOAD_MIN_CHARS } from '../../engine/core/event-rows';
import {
  closeWithEvents,
  EventWriter,
  insertEventRows,
  insertEvents,
  listEventPage,
} from '../../engine/db/events-repo';
import { findExecution, insertExecution, reopenForRedrive } from '../../engine/db/executions-repo';
import { call, createMachine, history, startExecution, uniqueName, waitForEnd } from './support/client';
import { countStatements } from './support/statements';
import { storedExecutions } from './support/stored-executions';

const store = storedExecutions('history-payloads');

/** A JSON text of about `kib` KiB, distinct per `tag`, with characters JSON escapes. */
function payloadOf(kib: number, tag: string): string {
  return JSON.stringify({ tag, note: 'a "quoted" \\ back\\slash, naïve ✓', fill: 'x'.repeat(kib * 1024) });
}

function entered(id: number, name: string, input: string): HistoryEvent {
  return {
    id,
    previousEventId: id - 1,
    type: 'PassStateEntered',
    timestamp: new Date(Date.UTC(2026, 11, 5, 8, 0, id)).toISOString(),
    stateEnteredEventDetails: { name, input, inputDetails: { truncated: false } },
  };
}

function exited(id: number, name: string, output: string): HistoryEvent {
  return {
    id,
    previousEventId: id - 1,
    type: 'PassStateExited',
    timestamp: new Date(Date.UTC(2026, 11, 5, 8, 0, id)).toISOString(),
    stateExitedEventDetails: { name, output, outputDetails: { truncated: false } },
  };
}

async function payloadRows(executionId: string): Promise<number> {
  const { rows } = await store.pool.query<{ n: number }>(
    'SELECT count(*)::integer AS n FROM execution_payloads WHERE execution_id = $1',
    [executionId],
  );
  return rows[0].n;
}

/** Where the execution row keeps its input and output: inline, or by digest (hex). */
async function rowPayloads(executionId: string): Promise<Record<string, string | null>> {
  const { rows } = await store.pool.query(
    `SELECT input::text AS input, encode(input_digest, 'hex') AS "inputDigest",
            output::text AS output, encode(output_digest, 'hex') AS "outputDigest"
       FROM executions WHERE execution_id = $1`,
    [executionId],
  );
  return rows[0];
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function started(input: string): HistoryEvent {
  return {
    id: 1,
    previousEventId: 0,
    type: 'ExecutionStarted',
    timestamp: new Date(Date.UTC(2026, 11, 5, 8, 0, 0)).toISOString(),
    executionStartedEventDetails: { input, inputDetails: { truncated: false } },
  };
}

function succeeded(id: number, output: string): HistoryEvent {
  return {
    id,
    previousEventId: id - 1,
    type: 'ExecutionSucceeded',
    timestamp: new Date(Date.UTC(2026, 11, 5, 8, 0, id)).toISOString(),
    executionSucceededEventDetails: { output, outputDetails: { truncated: false } },
  };
}

/** Closes an execution SUCCEEDED with `output` (JSON text), writing `events` as the workflow does. */
async function succeed(executionId: string, events: HistoryEvent[], output: string): Promise<void> {
  await closeWithEvents(store.pool, executionId, encodeEventBatch(events), {
    status: 'SUCCEEDED',
    output,
    error: null,
    cause: null,
    stopDate: new Date().toISOString(),
    resume: null,
  });
}

describe('large payloads in history', () => {
  const first = payloadOf(64, 'first');
  const second = payloadOf(64, 'second');
  const small = payloadOf(1, 'small');

  test('are stored once per execution, whichever write carries them, and served in their place', async () => {
    const executionId = await store.insert('once');
    const events = [
      entered(1, 'A', first),
      exited(2, 'A', first),
      entered(3, 'B', first),
      exited(4, 'B', second),
      entered(5, 'C', second),
      exited(6, 'C', small),
    ];
    // Three writers, as the workflow, the function host and the API write: the same payload
    // reaches the database in three statements.
    await insertEventRows(store.pool, executionId, encodeEventBatch(events.slice(0, 2)));
    await new EventWriter(store.pool).write(executionId, events.slice(2, 4));
    await insertEvents(store.pool, executionId, events.slice(4));
    expect(small.length).toBeLessThan(PAYLOAD_MIN_CHARS);
    expect(await payloadRows(executionId)).toBe(2);

    const page = await listEventPage(store.pool, executionId, { limit: 100, maxBytes: 10_000_000 });
    expect(page.more).toBe(false);
    expect(JSON.stringify(page.events)).toBe(JSON.stringify(events));

    // Written again (a retried activity): nothing changes.
    await insertEventRows(store.pool, executionId, encodeEventBatch(events));
    expect(await payloadRows(executionId)).toBe(2);
    expect((await listEventPage(store.pool, executionId, { limit: 100, maxBytes: 10_000_000 })).events).toEqual(events);
  });

  test('two writes of one execution in one statement keep their own payloads', async () => {
    const executionId = await store.insert('same-batch');
    const other = await store.insert('same-batch-other');
    const inserts = countStatements(store.pool, 'INSERT INTO execution_events');
    const writer = new EventWriter(store.pool);
    // The first write runs alone; the two that arrive meanwhile share the next statement, each
    // with its own payload at index 0 of its batch.
    await Promise.all([
      writer.write(other, [entered(1, 'W', small)]),
      writer.write(executionId, [entered(1, 'A', first)]),
      writer.write(executionId, [exited(2, 'A', second)]),
    ]);
    expect(inserts.count).toBe(2);
    const page = await listEventPage(store.pool, executionId, { limit: 100, maxBytes: 10_000_000 });
    expect(page.events).toEqual([entered(1, 'A', first), exited(2, 'A', second)]);
    expect(await payloadRows(executionId)).toBe(2);
  });

  test("a page's byte budget counts each payload at its size in the event", async () => {
    const executionId = await store.insert('budget');
    const events = [entered(1, 'A', first), exited(2, 'A', first), entered(3, 'B', first)];
    await insertEvents(store.pool, executionId, events);
    const eventBytes = Buffer.byteLength(JSON.stringify(events[0]));
    // Room for two events of this size, not three: the stored rows hold no payload text, yet
    // the page stops as if they did.
    const page = await listEventPage(store.pool, executionId, { limit: 100, maxBytes: eventBytes * 2 + 100 });
    expect(page.events).toEqual(events.slice(0, 2));
    expect(page.more).toBe(true);
    const rest = await listEventPage(store.pool, executionId, { limit: 100, maxBytes: eventBytes * 2 + 100, from: 2 });
    expect(rest).toEqual({ events: events.slice(2), more: false });
    const reversed = await listEventPage(store.pool, executionId, {
      limit: 100,
      maxBytes: eventBytes + 100,
      reverse: true,
    });
    expect(reversed).toEqual({ events: [events[2]], more: true });
  });

  test('go with their execution when it is deleted', async () => {
    const executionId = await store.insert('deleted');
    await insertEvents(store.pool, executionId, [entered(1, 'A', first)]);
    expect(await payloadRows(executionId)).toBe(1);
    await store.pool.query('DELETE FROM executions WHERE execution_id = $1', [executionId]);
    expect(await payloadRows(executionId)).toBe(0);
  });

  test("an execution's large input and output are kept once, with the events that carry them", async () => {
    const executionId = `${store.machine}:row-payloads`;
    const input = JSON.parse(first) as unknown;
    await insertExecution(store.pool, {
      executionId,
      stateMachine: store.machine,
      version: 1,
      name: 'row-payloads',
      input,
      inputText: first,
    });
    expect(await rowPayloads(executionId)).toEqual({
      input: null,
      inputDigest: sha256(first),
      output: null,
      outputDigest: null,
    });
    expect(await payloadRows(executionId)).toBe(1);
    expect((await findExecution(store.pool, executionId))?.input).toEqual(input);

    // The workflow's ExecutionStarted carries the same text: still one copy.
    await insertEventRows(store.pool, executionId, encodeEventBatch([started(first)]));
    expect(await payloadRows(executionId)).toBe(1);

    // The close whose batch carries the output, as the workflow's does.
    await succeed(executionId, [succeeded(2, second)], second);
    expect(await rowPayloads(executionId)).toEqual({
      input: null,
      inputDigest: sha256(first),
      output: null,
      outputDigest: sha256(second),
    });
    expect(await payloadRows(executionId)).toBe(2);
    const closed = await findExecution(store.pool, executionId);
    expect(closed).toMatchObject({ status: 'SUCCEEDED', input, output: JSON.parse(second) });
    expect((await listEventPage(store.pool, executionId, { limit: 10, maxBytes: 10_000_000 })).events).toEqual([
      started(first),
      succeeded(2, second),
    ]);
  });

  test('a large output the closing batch does not carry is stored by the close; a small one stays in the row', async () => {
    const apart = await store.insert('output-apart');
    await succeed(apart, [], first);
    expect(await rowPayloads(apart)).toMatchObject({ output: null, outputDigest: sha256(first) });
    expect((await findExecution(store.pool, apart))?.output).toEqual(JSON.parse(first));
    // A redrive reopens it without its output; the payload stays for the history.
    await store.pool.query("UPDATE executions SET status = 'FAILED' WHERE execution_id = $1", [apart]);
    expect(await reopenForRedrive(store.pool, apart)).toMatchObject({ status: 'RUNNING', output: null });
    expect(await rowPayloads(apart)).toMatchObject({ output: null, outputDigest: null });
    expect(await payloadRows(apart)).toBe(1);

    const inline = await store.insert('output-inline');
    await succeed(inline, [succeeded(1, small)], small);
    expect(await rowPayloads(inline)).toEqual({ input: '{}', inputDigest: null, output: small, outputDigest: null });
    expect(await payloadRows(inline)).toBe(0);
  });

  test('an execution on the real stack keeps its large input once and serves every event whole', async () => {
    const name = uniqueName('payload-chain');
    await createMachine(name, {
      StartAt: 'Receive',
      States: {
        Receive: { Type: 'Pass', Next: 'Tag' },
        Tag: { Type: 'Pass', Result: 'done', ResultPath: '$.status', End: true },
      },
    });
    const input = { records: Array.from({ length: 2_000 }, (_, i) => ({ id: `order-${i}`, note: 'naïve "q"' })) };
    const executionId = await startExecution(name, input);
    const end = await waitForEnd(executionId);
    expect(end.status).toBe('SUCCEEDED');
    const events = await history(executionId);
    const text = JSON.stringify(input);
    const tagged = JSON.stringify({ ...input, status: 'done' });
    expect(
      events.map((event) => [
        event.type,
        event.stateEnteredEventDetails?.input ??
          event.stateExitedEventDetails?.output ??
          event.executionSucceededEventDetails?.output,
      ]),
    ).toEqual([
      ['ExecutionStarted', undefined],
      ['PassStateEntered', text],
      ['PassStateExited', text],
      ['PassStateEntered', text],
      ['PassStateExited', tagged],
      ['ExecutionSucceeded', tagged],
    ]);
    expect(JSON.parse(events[0].executionStartedEventDetails.input)).toEqual(input);
    // The input (the start's, the events') and the tagged output (the events', the close's):
    // one copy each, and the row refers to them.
    expect(await payloadRows(executionId)).toBe(2);
    expect(await rowPayloads(executionId)).toEqual({
      input: null,
      inputDigest: sha256(text),
      output: null,
      outputDigest: sha256(tagged),
    });
    const described = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}`);
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ status: 'SUCCEEDED', input, output: { ...input, status: 'done' } });
  });
});
