import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('versions_paging');
});
afterAll(async () => api.close());

/** Stores revision `n` of `name` (a Comment of `bytes` bytes) and publishes it. */
async function publish(name: string, n: number, bytes: number): Promise<void> {
  const definition = { Comment: `${n}`.padEnd(bytes, 'x'), StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const created = await api.app.inject({ method: 'POST', url: '/v1/state-machines', payload: { name, definition } });
  expect(created.statusCode).toBeLessThan(300);
  const published = await api.app.inject({ method: 'POST', url: `/v1/state-machines/${name}/versions`, payload: {} });
  expect(published.statusCode).toBe(201);
}

/** Every page of the versions list: the version numbers per page. */
async function pages(name: string, limit: number): Promise<number[][]> {
  const out: number[][] = [];
  let next: string | undefined;
  do {
    const res = await api.app.inject({
      method: 'GET',
      url: `/v1/state-machines/${name}/versions?limit=${limit}${next ? `&next=${next}` : ''}`,
    });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    out.push(body.versions.map((v: { version: number }) => v.version));
    next = body.next;
  } while (next);
  return out;
}

describe('REST versions list pages', () => {
  test('stops a page before 4 MiB of definitions even when the limit allows more', async () => {
    for (let n = 1; n <= 5; n++) await publish('big-defs', n, 1000 * 1024);
    // Four definitions of 1000 KiB fit in 4 MiB; the fifth would pass it.
    expect(await pages('big-defs', 100)).toEqual([[5, 4, 3, 2], [1]]);
  });

  test('pages small versions by limit across read chunks', async () => {
    for (let n = 1; n <= 23; n++) await publish('small-defs', n, 10);
    const newestFirst = Array.from({ length: 23 }, (_, i) => 23 - i);
    expect(await pages('small-defs', 15)).toEqual([newestFirst.slice(0, 15), newestFirst.slice(15)]);
  });
});
