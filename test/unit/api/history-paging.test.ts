import type { HistoryEvent } from '../../../schemas/history';
import { insertEvents } from '../../../engine/db/events-repo';
import { insertExecution } from '../../../engine/db/executions-repo';
import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;

/** `count` Pass events, the last one ExecutionSucceeded; `payload` pads each event's input. */
function events(count: number, payload = ''): HistoryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    previousEventId: i,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    type: i === count - 1 ? 'ExecutionSucceeded' : 'PassStateEntered',
    stateEnteredEventDetails: { name: 'P', input: JSON.stringify({ pad: payload }) },
  }));
}

/** Stores an execution of `paged` with the given events; returns its id. */
async function execution(name: string, history: HistoryEvent[]): Promise<string> {
  const executionId = `paged:${name}`;
  await insertExecution(api.pool, { executionId, stateMachine: 'paged', version: 1, name, input: {} });
  await insertEvents(api.pool, executionId, history);
  return executionId;
}

async function get(url: string) {
  const res = await api.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function sfn(target: string, body: unknown) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const ids = (list: Array<{ id: number }>) => list.map((e) => e.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  api = await apiApp('history_paging');
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/state-machines',
    payload: { name: 'paged', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => api.close());

describe('REST history is paged', () => {
  test('returns 100 events and a cursor by default, and the cursors walk the whole history once', async () => {
    const id = await execution('walk', events(250));
    const first = await get(`/v1/executions/${id}/history`);
    expect(first.status).toBe(200);
    expect(ids(first.body.events)).toEqual(range(1, 100));
    expect(typeof first.body.next).toBe('string');
    const second = await get(`/v1/executions/${id}/history?next=${first.body.next}`);
    expect(ids(second.body.events)).toEqual(range(101, 200));
    const third = await get(`/v1/executions/${id}/history?next=${second.body.next}`);
    expect(ids(third.body.events)).toEqual(range(201, 250));
    expect(third.body.next).toBeUndefined();
  });

  test('returns up to 1000 events per page and refuses a larger limit', async () => {
    const id = await execution('max', events(1001));
    const page = await get(`/v1/executions/${id}/history?limit=1000`);
    expect(ids(page.body.events)).toEqual(range(1, 1000));
    const last = await get(`/v1/executions/${id}/history?limit=1000&next=${page.body.next}`);
    expect(ids(last.body.events)).toEqual([1001]);
    expect(last.body.next).toBeUndefined();
    expect(await get(`/v1/executions/${id}/history?limit=1001`)).toEqual({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'The request querystring is invalid',
        problems: [
          { code: 'VALIDATION_FAILED', path: '/querystring/limit', message: 'Too big: expected number to be <=1000' },
        ],
      },
    });
  });

  test('pages newest first when reverse=true', async () => {
    const id = await execution('reverse', events(5));
    const first = await get(`/v1/executions/${id}/history?reverse=true&limit=2`);
    expect(ids(first.body.events)).toEqual([5, 4]);
    const second = await get(`/v1/executions/${id}/history?reverse=true&limit=2&next=${first.body.next}`);
    expect(ids(second.body.events)).toEqual([3, 2]);
    const third = await get(`/v1/executions/${id}/history?reverse=true&limit=2&next=${second.body.next}`);
    expect(third.body).toEqual({ events: [expect.objectContaining({ id: 1 })] });
  });

  test('stops a page before 4 MiB of events even when the limit allows more', async () => {
    // 12 events of just over 1 MiB each: 3 fit in a page (the 4th would pass 4 MiB).
    const id = await execution('bytes', events(12, 'x'.repeat(1024 * 1024)));
    const pages: number[][] = [];
    let next: string | undefined;
    do {
      const page = await get(`/v1/executions/${id}/history?limit=1000${next ? `&next=${next}` : ''}`);
      pages.push(ids(page.body.events));
      next = page.body.next;
    } while (next);
    expect(pages).toEqual([range(1, 3), range(4, 6), range(7, 9), range(10, 12)]);
  });

  test('answers INVALID_CURSOR for a garbage cursor and for a cursor of the other direction', async () => {
    const id = await execution('cursors', events(3));
    const invalid = {
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor is not one this API returned' },
    };
    expect(await get(`/v1/executions/${id}/history?next=garbage`)).toEqual(invalid);
    expect(
      await get(`/v1/executions/${id}/history?next=${Buffer.from('{"e":-1,"r":0}').toString('base64url')}`),
    ).toEqual(invalid);
    const forward = await get(`/v1/executions/${id}/history?limit=1`);
    expect(await get(`/v1/executions/${id}/history?limit=1&reverse=true&next=${forward.body.next}`)).toEqual({
      status: 400,
      body: { code: 'INVALID_CURSOR', message: 'The cursor was returned for reverse=false; pass the same reverse' },
    });
  });

  test('answers EXECUTION_NOT_FOUND for an unknown execution', async () => {
    expect(await get('/v1/executions/nope/history')).toEqual({
      status: 404,
      body: { code: 'EXECUTION_NOT_FOUND', message: "Execution 'nope' does not exist" },
    });
  });
});

describe('GetExecutionHistory pages in SQL', () => {
  const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:paged:${name}`;

  test('follows nextToken through the whole history, in both orders', async () => {
    await execution('sfn', events(7));
    for (const [reverseOrder, expected] of [
      [false, range(1, 7)],
      [true, range(1, 7).reverse()],
    ] as const) {
      const seen: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn('GetExecutionHistory', {
          executionArn: arn('sfn'),
          maxResults: 3,
          reverseOrder,
          ...(nextToken ? { nextToken } : {}),
        });
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(3);
        seen.push(...ids(page.body.events));
        nextToken = page.body.nextToken;
      } while (nextToken);
      expect(seen).toEqual(expected);
    }
  });

  test('walks a history of more than 1,000 events exactly once, in both orders and at the page edges', async () => {
    // 2,000 events: a page boundary falls on the last event (no empty page after it); 2,345: it does not.
    for (const count of [2000, 2345]) {
      const name = `long-${count}`;
      await execution(name, events(count));
      for (const reverseOrder of [false, true]) {
        const sizes: number[] = [];
        const seen: number[] = [];
        let nextToken: string | undefined;
        do {
          const page = await sfn('GetExecutionHistory', {
            executionArn: arn(name),
            maxResults: 1000,
            reverseOrder,
            ...(nextToken ? { nextToken } : {}),
          });
          expect(page.status).toBe(200);
          sizes.push(page.body.events.length);
          seen.push(...ids(page.body.events));
          nextToken = page.body.nextToken;
        } while (nextToken);
        const all = range(1, count);
        expect(seen).toEqual(reverseOrder ? all.reverse() : all);
        expect(sizes).toEqual(count === 2000 ? [1000, 1000] : [1000, 1000, 345]);
      }
    }
  });

  test('answers InvalidToken for a token from the other order or of another shape', async () => {
    const first = await sfn('GetExecutionHistory', { executionArn: arn('sfn'), maxResults: 1 });
    const invalid = { status: 400, body: { __type: 'InvalidToken', message: "Invalid Token: 'Invalid token'" } };
    expect(
      await sfn('GetExecutionHistory', {
        executionArn: arn('sfn'),
        maxResults: 1,
        reverseOrder: true,
        nextToken: first.body.nextToken,
      }),
    ).toEqual(invalid);
    expect(
      await sfn('GetExecutionHistory', { executionArn: arn('sfn'), nextToken: Buffer.from('5').toString('base64url') }),
    ).toEqual(invalid);
  });

  test('omits inputs and outputs when includeExecutionData is false', async () => {
    const page = await sfn('GetExecutionHistory', {
      executionArn: arn('sfn'),
      maxResults: 1,
      includeExecutionData: false,
    });
    expect(page.body.events).toEqual([
      {
        id: 1,
        previousEventId: 0,
        timestamp: 1767225600,
        type: 'PassStateEntered',
        stateEnteredEventDetails: { name: 'P' },
      },
    ]);
  });
});
