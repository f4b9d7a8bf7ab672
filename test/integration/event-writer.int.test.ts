import type { HistoryEvent } from '../../schemas/history';
import { createPool, type Pool } from '../../engine/db/pool';
import { EventWriter } from '../../engine/db/events-repo';
import { insertExecution } from '../../engine/db/executions-repo';
import { createMachine, uniqueName } from './support/client';
import { readStack } from './support/stack';
import { countStatements } from './support/statements';

const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

function eventsOf(first: number, count: number, label: string): HistoryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: first + i,
    previousEventId: first + i - 1,
    type: 'PassStateEntered',
    timestamp: new Date(Date.UTC(2026, 11, 5, 0, 0, i)).toISOString(),
    stateEnteredEventDetails: { name: `${label}-${first + i}`, input: JSON.stringify({ label, n: first + i }) },
  })) as HistoryEvent[];
}

let pool: Pool;
let machine: string;

async function newExecution(name: string): Promise<string> {
  const executionId = `${machine}:${name}`;
  await insertExecution(pool, { executionId, stateMachine: machine, version: 1, name, input: {} });
  return executionId;
}

async function storedOf(executionId: string): Promise<Array<{ id: number; name: string }>> {
  const { rows } = await pool.query<{ id: number; name: string }>(
    `SELECT event_id AS id, details->'stateEnteredEventDetails'->>'name' AS name
       FROM execution_events WHERE execution_id = $1 ORDER BY event_id`,
    [executionId],
  );
  return rows;
}

beforeAll(async () => {
  pool = createPool(readStack().databaseUrl);
  machine = uniqueName('event-writer');
  await createMachine(machine, PASS);
});

afterAll(async () => {
  await pool.end();
});

describe('EventWriter', () => {
  test('writes the events of 30 concurrent invocations in a few statements, each exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => newExecution(`burst-${i}`)));
    const inserts = countStatements(pool, 'INSERT INTO execution_events');
    const writer = new EventWriter(pool);
    await Promise.all(ids.map((id, i) => writer.write(id, eventsOf(1, 3, `e${i}`))));
    expect(inserts.count).toBeGreaterThanOrEqual(1);
    expect(inserts.count).toBeLessThan(ids.length);
    for (const [i, id] of ids.entries()) {
      expect(await storedOf(id)).toEqual([
        { id: 1, name: `e${i}-1` },
        { id: 2, name: `e${i}-2` },
        { id: 3, name: `e${i}-3` },
      ]);
    }
    // A delivery made again writes the same rows: nothing changes, nothing fails.
    await Promise.all(ids.map((id, i) => writer.write(id, eventsOf(1, 3, `again${i}`))));
    expect(await storedOf(ids[0] as string)).toEqual([
      { id: 1, name: 'e0-1' },
      { id: 2, name: 'e0-2' },
      { id: 3, name: 'e0-3' },
    ]);
  });

  test("one execution's failing write fails only its own: the others in its batch are stored", async () => {
    const good = await Promise.all(Array.from({ length: 6 }, (_, i) => newExecution(`mixed-${i}`)));
    const missing = `${machine}:never-stored`;
    const writer = new EventWriter(pool);
    const outcomes = await Promise.allSettled([
      ...good.slice(0, 3).map((id) => writer.write(id, eventsOf(1, 2, 'ok'))),
      writer.write(missing, eventsOf(1, 2, 'bad')),
      ...good.slice(3).map((id) => writer.write(id, eventsOf(1, 2, 'ok'))),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    for (const id of good) expect((await storedOf(id)).map((row) => row.id)).toEqual([1, 2]);
    expect(await storedOf(missing)).toEqual([]);
  });

  test('stores nothing for an EXPRESS Map Run child, in a batch or alone', async () => {
    const express = await newExecution('express-child');
    await pool.query('UPDATE executions SET express = true WHERE execution_id = $1', [express]);
    const [first, second] = await Promise.all([newExecution('standard-1'), newExecution('standard-2')]);
    const writer = new EventWriter(pool);
    // The first write goes alone; the two asked while it runs share the next statement.
    await Promise.all([
      writer.write(first as string, eventsOf(1, 2, 's')),
      writer.write(express, eventsOf(1, 2, 'x')),
      writer.write(second as string, eventsOf(1, 2, 's')),
    ]);
    await writer.write(express, eventsOf(3, 1, 'x'));
    expect(await storedOf(express)).toEqual([]);
    expect((await storedOf(first as string)).map((row) => row.id)).toEqual([1, 2]);
    expect((await storedOf(second as string)).map((row) => row.id)).toEqual([1, 2]);
  });
});
