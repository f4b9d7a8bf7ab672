import { createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { readStack } from './support/stack';

/** Reads a Server-Sent Events stream to its end; returns the parsed `data` of each event. */
async function readStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ids: number[]; events: any[]; contentType: string | null }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  const blocks = text.split('\n\n').filter((block) => block.startsWith('id: '));
  return {
    contentType: res.headers.get('content-type'),
    ids: blocks.map((block) => Number(/^id: (\d+)/.exec(block)?.[1])),
    events: blocks.map((block) => JSON.parse(/\ndata: (.*)$/m.exec(block)?.[1] as string)),
  };
}

describe('live history stream', () => {
  test('streams each event as it is written and ends after the execution closes', async () => {
    const machine = uniqueName('sse');
    await createMachine(machine, {
      StartAt: 'Pause',
      States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', Result: 7, End: true } },
    });
    const id = await startExecution(machine, {});
    const stream = await readStream(
      `${readStack().apiUrl}/v1/executions/${encodeURIComponent(id)}/history?follow=true`,
    );
    expect(stream.contentType).toBe('text/event-stream');
    expect(stream.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(stream.ids).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('resumes after Last-Event-ID when a watcher reconnects', async () => {
    const machine = uniqueName('sse-resume');
    await createMachine(machine, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const id = await startExecution(machine, {});
    const stream = await readStream(
      `${readStack().apiUrl}/v1/executions/${encodeURIComponent(id)}/history?follow=true`,
      { 'last-event-id': '2' },
    );
    expect(stream.ids).toEqual([3, 4]);
    expect(stream.events.map((e) => e.type)).toEqual(['PassStateExited', 'ExecutionSucceeded']);
  });

  test('ends at once, with no event, when resumed at or past the closing event', async () => {
    const machine = uniqueName('sse-ended');
    await createMachine(machine, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const id = await startExecution(machine, {});
    await waitForEnd(id);
    const url = `${readStack().apiUrl}/v1/executions/${encodeURIComponent(id)}/history?follow=true`;
    // Before, both stayed open forever, polling every 250 ms.
    expect((await readStream(url, { 'last-event-id': '4' })).ids).toEqual([]);
    expect((await readStream(url, { 'last-event-id': '1000' })).ids).toEqual([]);
  });
});
