import { GetExecutionHistoryCommand, paginateGetExecutionHistory } from '@aws-sdk/client-sfn';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  sfnClient,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';

/** A Map over `items` items, each a Pass: about four events per item. */
const MAP_MACHINE = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 10,
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
};

describe('history paging on the real stack', () => {
  let id: string;
  let machine: string;

  beforeAll(async () => {
    machine = uniqueName('paged');
    await createMachine(machine, MAP_MACHINE);
    id = await startExecution(machine, { items: Array.from({ length: 60 }, (_, i) => i) }, 'run');
    expect((await waitForEnd(id)).status).toBe('SUCCEEDED');
  });

  test('REST pages of 50 follow their cursors to the complete history, in both orders', async () => {
    const whole = await history(id);
    expect(whole.length).toBeGreaterThan(200);
    expectCompleteHistory(whole);
    expect(whole[whole.length - 1].type).toBe('ExecutionSucceeded');

    for (const reverse of [false, true]) {
      const seen: number[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const reply = await call(
          'GET',
          `/v1/executions/${encodeURIComponent(id)}/history?limit=50${reverse ? '&reverse=true' : ''}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
        );
        expect(reply.status).toBe(200);
        expect(reply.body.events.length).toBeLessThanOrEqual(50);
        seen.push(...reply.body.events.map((e: { id: number }) => e.id));
        next = reply.body.next;
        pages++;
      } while (next);
      expect(pages).toBe(Math.ceil(whole.length / 50));
      expect(seen).toEqual(reverse ? whole.map((e) => e.id).reverse() : whole.map((e) => e.id));
    }
  });

  test('REST answers 100 events and a cursor when no limit is given', async () => {
    const reply = await call('GET', `/v1/executions/${encodeURIComponent(id)}/history`);
    expect(reply.body.events.map((e: { id: number }) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(typeof reply.body.next).toBe('string');
  });

  test('the AWS SDK paginator reads the same complete history from GetExecutionHistory', async () => {
    const client = sfnClient();
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:${machine}:run`;
    const ids: number[] = [];
    for await (const page of paginateGetExecutionHistory({ client, pageSize: 40 }, { executionArn })) {
      expect((page.events ?? []).length).toBeLessThanOrEqual(40);
      ids.push(...(page.events ?? []).map((e) => Number(e.id)));
    }
    expect(ids).toEqual((await history(id)).map((e) => e.id));
    const newest = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1, reverseOrder: true }),
    );
    expect(newest.events?.map((e) => e.type)).toEqual(['ExecutionSucceeded']);
  });
});
