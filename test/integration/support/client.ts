import { setTimeout as sleep } from 'node:timers/promises';
import { SFNClient } from '@aws-sdk/client-sfn';
import { readStack } from './stack';

/** A JSON response: status and parsed body. */
export interface Reply<T = any> {
  status: number;
  body: T;
}

/** Calls the test run's API (or `STEPFLOW_TEST_API_URL`, a test's own stack). */
export async function call<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const base = process.env.STEPFLOW_TEST_API_URL ?? readStack().apiUrl;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Creates a state machine; fails the test unless the API accepts it. */
export async function createMachine(name: string, definition: unknown): Promise<void> {
  const reply = await call('POST', '/v1/state-machines', { name, definition });
  if (reply.status !== 201 && reply.status !== 200)
    throw new Error(`create ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Starts an execution and returns its id. */
export async function startExecution(machine: string, input: unknown, name?: string): Promise<string> {
  const reply = await call('POST', `/v1/state-machines/${machine}/executions`, { input, ...(name ? { name } : {}) });
  if (reply.status !== 201) throw new Error(`start ${machine}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.executionId as string;
}

/** Polls until the execution leaves RUNNING; returns the final description. */
export async function waitForEnd(executionId: string, timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}`);
    if (reply.status !== 200) throw new Error(`describe ${executionId}: ${reply.status} ${JSON.stringify(reply.body)}`);
    if (reply.body.status !== 'RUNNING') return reply.body;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still RUNNING after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The execution's whole history: every page, following the `next` cursors. */
export async function history(executionId: string): Promise<any[]> {
  const events: any[] = [];
  let next: string | undefined;
  do {
    const query = `limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`;
    const reply = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}/history?${query}`);
    if (reply.status !== 200) throw new Error(`history ${executionId}: ${reply.status} ${JSON.stringify(reply.body)}`);
    events.push(...reply.body.events);
    next = reply.body.next;
  } while (next);
  return events;
}

/** A name unique to this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
}

/** Ids ascending from 1 without gap or duplicate: a complete history. */
export function expectCompleteHistory(events: Array<{ id: number }>): void {
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
}

/**
 * The AWS SDK's Step Functions client pointed at the test stack (any credentials while it has no
 * keys); no SDK retries, so an error reaches the test as it came.
 */
export function sfnClient(endpoint = readStack().apiUrl, accessKeyId = 'x', secretAccessKey = 'x'): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

/** The error a call rejects with (fails the test if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}
