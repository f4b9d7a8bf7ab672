import { setTimeout as sleep } from 'node:timers/promises';

/** How long the smoke execution may take end to end. */
const SMOKE_TIMEOUT_MS = 60_000;

/** A Pass → Task (the image's `functions/greet.js`) → Succeed machine. */
const GREETER = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'name.$': '$.who' }, Next: 'Greet' },
    Greet: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'greet', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
};

async function call(url: string, init: RequestInit & { key?: string }): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

function expectStatus(what: string, got: { status: number; body: unknown }, want: number): void {
  if (got.status !== want)
    throw new Error(`smoke: ${what} answered ${got.status} (want ${want}): ${JSON.stringify(got.body)}`);
}

/**
 * Proves the started topology serves: the API refuses a request without a key (authentication is
 * on from the bootstrap key), and with the bootstrap admin key a machine is created and an
 * execution that runs a function reaches SUCCEEDED with the function's output.
 */
export async function smokeTest(apiUrl: string, adminKey: string, runId: string): Promise<string> {
  const name = `topology-${runId}`.replace(/_/g, '-');
  expectStatus('an unauthenticated request', await call(`${apiUrl}/v1/state-machines`, { method: 'GET' }), 401);
  expectStatus(
    'create',
    await call(`${apiUrl}/v1/state-machines`, {
      method: 'POST',
      key: adminKey,
      body: JSON.stringify({ name, definition: GREETER }),
    }),
    201,
  );
  expectStatus(
    'start',
    await call(`${apiUrl}/v1/state-machines/${name}/executions`, {
      method: 'POST',
      key: adminKey,
      body: JSON.stringify({ name: 'first', input: { who: 'Ada' } }),
    }),
    201,
  );
  const deadline = Date.now() + SMOKE_TIMEOUT_MS;
  for (;;) {
    const got = await call(`${apiUrl}/v1/executions/${encodeURIComponent(`${name}:first`)}`, {
      method: 'GET',
      key: adminKey,
    });
    expectStatus('describe', got, 200);
    const execution = got.body as { status: string; output?: unknown };
    if (execution.status !== 'RUNNING') {
      const output = typeof execution.output === 'string' ? JSON.parse(execution.output) : execution.output;
      if (execution.status !== 'SUCCEEDED' || JSON.stringify(output) !== JSON.stringify({ greeting: 'Hello, Ada!' })) {
        throw new Error(
          `smoke: the execution ended ${execution.status} with ${JSON.stringify(execution)} (want SUCCEEDED, {"greeting":"Hello, Ada!"})`,
        );
      }
      return `${name}:first SUCCEEDED with ${JSON.stringify(output)}`;
    }
    if (Date.now() > deadline)
      throw new Error(
        `smoke: the execution is still RUNNING after ${SMOKE_TIMEOUT_MS / 1000} s: no worker or function host serves it`,
      );
    await sleep(250);
  }
}
