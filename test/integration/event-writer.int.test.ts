import type { HistoryEvent } from '../../schemas/history';
import { EventWriter } from '../../engine/db/events-repo';
import { countStatements } from './support/statements';
import { storedExecutions } from './support/stored-executions';

const store = storedExecutions('event-writer');

function eventsOf(first: number, count: number, label: string): HistoryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: first + i,
    previousEventId: first + i - 1,
    type: 'PassStateEntered',
    timestamp: new Date(Date.UTC(2026, 11, 5, 0, 0, i)).toISOString(),
    stateEnteredEventDetails: { name: `${label}-${first + i}`, input: JSON.stringify({ label, n: first + i }) },
  })) as HistoryEvent[];
}

async function storedOf(executionId: string): Promise<Array<{ id: number; name: string }>> {
  const { rows } = await store.pool.query<{ id: number; name: string }>(
    `SELECT event_id AS id, details->'stateEnteredEventDetails'->>'name' AS name
       FROM execution_events WHERE execution_id = $1 ORDER BY event_id`,
    [executionId],
  );
  return rows;
}

describe('EventWriter', () => {
  test('writes the events of 30 concurrent invocations in a few statements, each exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => store.insert(`burst-${i}`)));
    const inserts = countStatements(store.pool, 'INSERT INTO execution_events');
    const writer = new EventWriter(store.pool);
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
    const good = await Promise.all(Array.from({ length: 6 }, (_, i) => store.insert(`mixed-${i}`)));
    const missing = `${store.machine}:never-stored`;
    const writer = new EventWriter(store.pool);
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
    const express = await store.insert('express-child');
    await store.pool.query('UPDATE executions SET express = true WHERE execution_id = $1', [express]);
    const [first, second] = await Promise.all([store.insert('standard-1'), store.insert('standard-2')]);
    const writer = new EventWriter(store.pool);
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
