import { insertExecution } from '../../../engine/db/executions-repo';
import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;

async function machine(name: string): Promise<void> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/state-machines',
    payload: { name, definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
  });
  expect(res.statusCode).toBe(201);
}

/** Stores executions of `machine` named r0..r{count-1}, started at the given instants. */
async function executions(name: string, starts: string[], input: unknown = {}): Promise<void> {
  for (const [i, start] of starts.entries()) {
    await insertExecution(api.pool, {
      executionId: `${name}:r${i}`,
      stateMachine: name,
      version: 1,
      name: `r${i}`,
      input,
    });
    await api.pool.query('UPDATE executions SET start_date = $2 WHERE execution_id = $1', [`${name}:r${i}`, start]);
  }
}

/** Every page of `GET /v1/executions?stateMachine=…&limit=…`: the names per page. */
async function pages(name: string, limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let next: string | undefined;
  do {
    const res = await api.app.inject({
      method: 'GET',
      url: `/v1/executions?stateMachine=${name}&limit=${limit}${next ? `&next=${next}` : ''}`,
    });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    out.push(body.executions.map((e: { name: string }) => e.name));
    next = body.next;
  } while (next);
  return out;
}

beforeAll(async () => {
  api = await apiApp('list_paging');
});
afterAll(async () => api.close());

describe('REST list executions pages', () => {
  test('lists every execution once when many started within the same millisecond', async () => {
    await machine('same-ms');
    // r0 oldest … r11 newest, all within 12:00:00.123 (microseconds apart).
    await executions(
      'same-ms',
      Array.from({ length: 12 }, (_, i) => `2026-01-01T12:00:00.123${String(100 + i * 10).padStart(3, '0')}Z`),
    );
    const newestFirst = Array.from({ length: 12 }, (_, i) => `r${11 - i}`);
    expect(await pages('same-ms', 5)).toEqual([
      newestFirst.slice(0, 5),
      newestFirst.slice(5, 10),
      newestFirst.slice(10),
    ]);

    const viaProtocol: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await api.app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' },
        payload: JSON.stringify({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:same-ms',
          maxResults: 5,
          ...(nextToken ? { nextToken } : {}),
        }),
      });
      const body = JSON.parse(res.body);
      viaProtocol.push(...body.executions.map((e: { name: string }) => e.name));
      nextToken = body.nextToken;
    } while (nextToken);
    expect(viaProtocol).toEqual(newestFirst);
  });

  test('stops a page before 4 MiB of inputs even when the limit allows more', async () => {
    await machine('big-inputs');
    const input = { pad: 'x'.repeat(300 * 1024) };
    await executions(
      'big-inputs',
      Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString()),
      input,
    );
    const sizes = (await pages('big-inputs', 100)).map((page) => page.length);
    // 13 inputs of 300 KiB fit in 4 MiB; the 14th would pass it.
    expect(sizes).toEqual([13, 13, 4]);
  });

  test('reads a full page of 1000 small executions in chunks, with a cursor to the rest', async () => {
    await machine('many');
    await api.pool.query(
      `INSERT INTO executions (execution_id, state_machine, version, name, status, input, start_date)
       SELECT 'many:r' || g, 'many', 1, 'r' || g, 'RUNNING', '{}', timestamptz '2026-01-03T00:00:00Z' + g * interval '1 second'
         FROM generate_series(0, 1049) g`,
    );
    const sizes = (await pages('many', 1000)).map((page) => page.length);
    expect(sizes).toEqual([1000, 50]);
  });
});
