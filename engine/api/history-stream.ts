import type { FastifyReply, FastifyRequest } from 'fastify';
import { listEventsAfter } from '../db/events-repo';
import type { ServiceDeps } from '../executions/deps';

/** How often a live history stream looks for new events. */
const POLL_MS = 250;
/** A comment line keeps idle proxies from closing the stream. */
const KEEPALIVE_MS = 15_000;
const TERMINAL = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/;

/**
 * Streams an execution's history as Server-Sent Events (`event: history`, `id:` = event id,
 * `data:` = the event) as it is written, resuming after `Last-Event-ID`; ends after the
 * execution's closing event.
 */
export async function streamHistory(deps: ServiceDeps, executionId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  let last = Number(request.headers['last-event-id'] ?? 0) || 0;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': request.id,
  });
  let open = true;
  request.raw.on('close', () => {
    open = false;
  });
  let lastWrite = Date.now();
  try {
    while (open) {
      const events = await listEventsAfter(deps.pool, executionId, last);
      for (const event of events) {
        raw.write(`id: ${event.id}\nevent: history\ndata: ${JSON.stringify(event)}\n\n`);
        last = event.id;
        lastWrite = Date.now();
        if (TERMINAL.test(event.type)) open = false;
      }
      if (!open) break;
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        raw.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (err) {
    request.log.warn({ err, executionId }, 'history stream failed');
  } finally {
    raw.end();
  }
}
