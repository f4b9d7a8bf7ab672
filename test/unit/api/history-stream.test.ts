import type { HistoryEvent } from '../../../schemas/history';
import { runKeysCommand } from '../../../engine/cli/keys';
import { loadConfig } from '../../../engine/config';
import { insertEvents } from '../../../engine/db/events-repo';
import { insertExecution } from '../../../engine/db/executions-repo';
import { createLogger } from '../../../engine/logger';
import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
let base: string;

/** Events 1..count; the last is ExecutionSucceeded when `closed`. */
function events(from: number, to: number, closed: boolean): HistoryEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    id: from + i,
    previousEventId: from + i - 1,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)).toISOString(),
    type: closed && from + i === to ? 'ExecutionSucceeded' : 'PassStateEntered',
  }));
}

async function execution(name: string, history: HistoryEvent[]): Promise<string> {
  const executionId = `streamed:${name}`;
  await insertExecution(api.pool, { executionId, stateMachine: 'streamed', version: 1, name, input: {} });
  await insertEvents(api.pool, executionId, history);
  return executionId;
}

/** A stream's blocks (`id`, `event`, `data`) as they arrive, and whether the server ended it. */
interface Stream {
  blocks: Array<{ id?: number; event?: string; data: any }>;
  /** Resolves when the server ends the stream; rejects when it is still open after `ms`. */
  ended(ms?: number): Promise<void>;
  /** Resolves once `count` blocks have arrived. */
  received(count: number): Promise<void>;
}

/** Opens `GET …/history?follow=true` on the listening app and parses blocks as they come. */
async function open(executionId: string, headers: Record<string, string> = {}): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/executions/${encodeURIComponent(executionId)}/history?follow=true`, {
    headers,
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const blocks: Stream['blocks'] = [];
  const waiters: Array<() => void> = [];
  const reading = (async () => {
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const text = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = /^data: (.*)$/m.exec(text)?.[1];
        if (data === undefined) continue;
        const id = /^id: (\d+)$/m.exec(text)?.[1];
        blocks.push({
          ...(id ? { id: Number(id) } : {}),
          event: /^event: (.*)$/m.exec(text)?.[1],
          data: JSON.parse(data),
        });
        waiters.splice(0).forEach((wake) => wake());
      }
    }
  })();
  return {
    blocks,
    async ended(ms = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      const stillOpen = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`the stream was still open after ${ms} ms`));
        }, ms);
      });
      try {
        await Promise.race([reading, stillOpen]);
      } finally {
        clearTimeout(timer);
      }
    },
    async received(count) {
      while (blocks.length < count) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

beforeAll(async () => {
  api = await apiApp('history_stream');
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/state-machines',
    payload: { name: 'streamed', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
  });
  expect(created.statusCode).toBe(201);
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => api.close());

describe('live history stream (SSE) is bounded', () => {
  test('delivers every event of a long history and ends after the closing event', async () => {
    const id = await execution('long', events(1, 450, true));
    const stream = await open(id);
    await stream.ended();
    expect(stream.blocks.map((b) => b.id)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(stream.blocks[449].data.type).toBe('ExecutionSucceeded');
  });

  test('ends at once when resumed with Last-Event-ID equal to the closing event', async () => {
    const id = await execution('resumed-at-end', events(1, 4, true));
    const stream = await open(id, { 'last-event-id': '4' });
    await stream.ended();
    expect(stream.blocks).toEqual([]);
  });

  test('ends at once when resumed with Last-Event-ID past the closing event', async () => {
    const id = await execution('resumed-past-end', events(1, 4, true));
    const stream = await open(id, { 'last-event-id': '99' });
    await stream.ended();
    expect(stream.blocks).toEqual([]);
  });

  test('delivers events written while it is open, then ends after the closing one', async () => {
    const id = await execution('live', events(1, 2, false));
    const stream = await open(id);
    await stream.received(2);
    await insertEvents(api.pool, id, events(3, 4, true));
    await stream.ended();
    expect(stream.blocks.map((b) => b.id)).toEqual([1, 2, 3, 4]);
  });

  test('ends with an error event when the caller key is revoked', async () => {
    const config = loadConfig({ DATABASE_URL: api.databaseUrl });
    const log = createLogger('silent');
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text), colour: false };
    expect(await runKeysCommand(['create', '--name', 'watcher', '--scopes', 'read', '--json'], config, io, log)).toBe(
      0,
    );
    const key = JSON.parse(out[0]) as { id: string; bearer: string };
    const id = await execution('revoked', events(1, 1, false));
    const stream = await open(id, { authorization: `Bearer ${key.bearer}` });
    await stream.received(1);
    expect(await runKeysCommand(['revoke', key.id], config, io, log)).toBe(0);
    await stream.ended();
    expect(stream.blocks).toEqual([
      { id: 1, event: 'history', data: events(1, 1, false)[0] },
      { event: 'error', data: { code: 'UNAUTHORIZED', message: 'The API key was revoked' } },
    ]);
  });
});
