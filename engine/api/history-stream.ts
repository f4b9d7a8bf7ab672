import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { activeApiKey } from '../service/api-keys';
import type { ServiceDeps } from '../service/deps';
import { CLOSING_EVENT, historyBatch, historyEndedBy } from '../service/describe';

/** How often a live history stream looks for new events. */
const POLL_MS = 250;
/** A comment line keeps idle proxies from closing the stream. */
const KEEPALIVE_MS = 15_000;
/** How often the caller's API key is looked up again: a revoked key ends its streams. */
export const KEY_RECHECK_MS = 2_000;
/** Events read per query, and the most event JSON read at once: what one connection buffers. */
const BATCH_EVENTS = 100;
const BATCH_BYTES = 1024 * 1024;

/** The key id of a `Bearer <id>.<secret>` header (the auth hook has already checked the secret). */
function bearerKeyId(authorization: string | undefined): string | undefined {
  return /^Bearer\s+([^.\s]+)\./.exec(authorization ?? '')?.[1];
}

/**
 * Streams an execution's history as Server-Sent Events (`event: history`, `id:` = event id,
 * `data:` = the event) as it is written, resuming after `Last-Event-ID`. The stream ends:
 * after the execution's closing event; at once when resumed at or past it; when the client
 * goes away; and when the caller's API key is revoked (looked up every KEY_RECHECK_MS).
 * Events are read in bounded batches and written with backpressure (a slow reader pauses the
 * reads instead of growing a buffer).
 */
export async function streamHistory(
  deps: ServiceDeps,
  executionId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const header = Number(request.headers['last-event-id'] ?? 0);
  let last = Number.isSafeInteger(header) && header > 0 ? header : 0;
  const keyId = bearerKeyId(request.headers.authorization);
  // Only a key that authenticated this request is rechecked (an open API has none).
  const checkKey = keyId !== undefined && (await activeApiKey(deps.pool, keyId)) !== undefined;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': request.id,
  });
  let open = true;
  const closed = new Promise<void>((resolve) => {
    request.raw.on('close', () => {
      open = false;
      resolve();
    });
  });
  const write = async (chunk: string) => {
    if (!raw.write(chunk)) await Promise.race([once(raw, 'drain'), closed]);
  };
  let lastWrite = Date.now();
  let keyCheckedAt = Date.now();
  try {
    while (open) {
      if (checkKey && Date.now() - keyCheckedAt >= KEY_RECHECK_MS) {
        keyCheckedAt = Date.now();
        if (!(await activeApiKey(deps.pool, keyId as string))) {
          request.log.info({ executionId, apiKey: keyId }, 'history stream closed: api key revoked');
          await write('event: error\ndata: {"code":"UNAUTHORIZED","message":"The API key was revoked"}\n\n');
          break;
        }
      }
      const page = await historyBatch(deps, executionId, { limit: BATCH_EVENTS, maxBytes: BATCH_BYTES, from: last });
      for (const event of page.events) {
        if (!open) break;
        await write(`id: ${event.id}\nevent: history\ndata: ${JSON.stringify(event)}\n\n`);
        last = event.id;
        lastWrite = Date.now();
        if (CLOSING_EVENT.test(event.type)) open = false;
      }
      if (!open) break;
      if (page.more) continue;
      // Nothing new: a history that already ended (resumed at or past its closing event) is done.
      if (await historyEndedBy(deps, executionId, last)) break;
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        await write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_MS)), closed]);
    }
  } catch (err) {
    request.log.warn({ err, executionId }, 'history stream failed');
  } finally {
    raw.end();
  }
}
