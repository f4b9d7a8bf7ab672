/**
 * The live history of an execution: `GET …/history?follow=true` as Server-Sent Events, read
 * with fetch (so the API key travels as a header, which EventSource cannot send), resumed
 * after the last event id whenever the connection drops while the execution runs.
 */
import { createParser } from 'eventsource-parser';
import { authHeaders, seg, type HistoryEvent } from '../api';

/** How long to wait before reconnecting a dropped stream. */
const RECONNECT_MS = 1_000;

/**
 * Streams events after `afterId` to `onEvents` (batched per network chunk) until the stream
 * ends with the execution, or `signal` aborts. Resolves when done.
 */
export async function followHistory(
  executionId: string,
  afterId: number,
  onEvents: (events: HistoryEvent[]) => void,
  signal: AbortSignal,
): Promise<void> {
  let last = afterId;
  while (!signal.aborted) {
    let ended = false;
    try {
      const res = await fetch(`/v1/executions/${seg(executionId)}/history?follow=true`, {
        signal,
        headers: { ...authHeaders(), accept: 'text/event-stream', 'last-event-id': String(last) },
      });
      if (!res.ok || !res.body) return;
      let batch: HistoryEvent[] = [];
      const parser = createParser({
        onEvent(message) {
          if (message.event === 'history') {
            const event = JSON.parse(message.data) as HistoryEvent;
            batch.push(event);
            last = Math.max(last, event.id);
          } else if (message.event === 'error') ended = true;
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        if (batch.length > 0) {
          onEvents(batch);
          batch = [];
        }
      }
      // The server ends the stream after the closing event (or on a revoked key).
      ended = true;
    } catch {
      if (signal.aborted) return;
    }
    if (ended) return;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}
