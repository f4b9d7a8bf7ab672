import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { SPANS_HEADER } from '../../engine/telemetry/headers';
import { temporalScheduleId } from '../../engine/triggers/schedules';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import { replaySinks } from '../replay/sinks';
import { createPool, type Pool } from '../../engine/db/pool';
import { signWebhook } from '../../engine/triggers/webhook-signature';
import { call, createMachine, uniqueName, waitForEnd } from './support/client';
import { readStack, ROOT } from './support/stack';
import { startHeaders } from './support/temporal-runs';
import { killTriggers, spawnTriggers, until } from './support/triggers';

const ECHO = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };

let triggers: ChildProcess;
let pool: Pool;

beforeAll(() => {
  const stack = readStack();
  triggers = spawnTriggers(stack);
  pool = createPool(stack.databaseUrl);
});

afterAll(async () => {
  await killTriggers(triggers, 'SIGTERM');
  await pool.end();
});

async function executionsOf(machine: string): Promise<{ name: string; input: unknown }[]> {
  const { rows } = await pool.query('SELECT name, input FROM executions WHERE state_machine = $1 ORDER BY name', [
    machine,
  ]);
  return rows;
}

/** Posts a delivery to a hook as a sender would. */
async function deliver(
  hookId: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${readStack().apiUrl}/v1/hooks/${hookId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('webhooks', () => {
  test('a good signature starts one execution, a bad or old one is refused, a replayed delivery starts nothing new', async () => {
    const machine = uniqueName('hook');
    await createMachine(machine, ECHO);
    const created = await call('POST', '/v1/webhooks', { name: 'orders', stateMachine: machine });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await call('GET', '/v1/webhooks');
    expect(listed.body.webhooks.find((hook: { id: string }) => hook.id === id)).toEqual(
      expect.not.objectContaining({ secret: expect.anything() }),
    );
    const { rows } = await pool.query('SELECT secret_sealed FROM trigger_webhooks WHERE id = $1', [id]);
    expect(rows[0].secret_sealed).not.toContain(secret);

    const body = JSON.stringify({ order: 42 });
    const now = Math.floor(Date.now() / 1000);
    const signature = signWebhook(secret, now, body);
    const good = await deliver(id, body, { 'stepflow-signature': signature, 'stepflow-delivery-id': 'd-1' });
    expect(good.status).toBe(202);
    expect(good.body.created).toBe(true);
    const done = await waitForEnd(good.body.execution.executionId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ order: 42 });

    // The same request again (a replay within the window), and a re-sent delivery with a fresh signature.
    const replay = await deliver(id, body, { 'stepflow-signature': signature, 'stepflow-delivery-id': 'd-1' });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({
      created: false,
      execution: expect.objectContaining({ executionId: good.body.execution.executionId }),
    });
    const resent = await deliver(id, body, {
      'stepflow-signature': signWebhook(secret, now + 1, body),
      'stepflow-delivery-id': 'd-1',
    });
    expect(resent.body.created).toBe(false);
    expect(resent.body.execution.executionId).toBe(good.body.execution.executionId);

    const wrongSecret = await deliver(id, body, {
      'stepflow-signature': signWebhook('whsec_not-the-secret', now, body),
      'stepflow-delivery-id': 'd-2',
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.code).toBe('INVALID_SIGNATURE');
    const tampered = await deliver(id, JSON.stringify({ order: 43 }), {
      'stepflow-signature': signature,
      'stepflow-delivery-id': 'd-3',
    });
    expect(tampered.status).toBe(401);
    const old = await deliver(id, body, {
      'stepflow-signature': signWebhook(secret, now - 3600, body),
      'stepflow-delivery-id': 'd-4',
    });
    expect(old.status).toBe(401);
    expect(old.body.message).toMatch(/too old/);
    const unsigned = await deliver(id, body, { 'stepflow-delivery-id': 'd-5' });
    expect(unsigned.status).toBe(401);
    expect(await executionsOf(machine)).toHaveLength(1);

    // Rotation: the old secret stops working, the new one works.
    const rotated = await call('POST', `/v1/webhooks/${id}/rotate`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(secret);
    const stale = await deliver(id, body, {
      'stepflow-signature': signWebhook(secret, now, body),
      'stepflow-delivery-id': 'd-6',
    });
    expect(stale.status).toBe(401);
    const second = await deliver(id, '', {
      'stepflow-signature': signWebhook(fresh, now, ''),
      'stepflow-delivery-id': 'd-7',
    });
    expect(second.status).toBe(202);
    expect(second.body.execution.input).toEqual({});
    expect(await executionsOf(machine)).toHaveLength(2);

    expect((await call('DELETE', `/v1/webhooks/${id}`)).status).toBe(204);
    const gone = await deliver(id, body, { 'stepflow-signature': signWebhook(fresh, now, body) });
    expect(gone.status).toBe(401);
  });
});

describe('schedules', () => {
  test('a schedule fires at a short cadence, each action one execution with its input, then pauses', async () => {
    const machine = uniqueName('sched');
    await createMachine(machine, ECHO);
    const name = uniqueName('every2s').replace(/[^A-Za-z0-9_-]/g, '');
    const created = await call('POST', '/v1/schedules', {
      name,
      stateMachine: machine,
      input: { tick: true },
      expression: 'rate(2 seconds)',
      timeZone: 'Europe/Paris',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ name, overlap: 'SKIP', paused: false, timeZone: 'Europe/Paris' }),
    );

    const fired = await until(
      async () => (await call('GET', `/v1/schedules/${name}/executions`)).body.executions as any[],
      (executions) => executions.length >= 3,
    );
    for (const item of fired) {
      const execution = await waitForEnd(item.executionId);
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.output).toEqual({ tick: true });
      const compact = new Date(item.scheduledTime)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, '');
      expect(execution.name).toBe(`${name}-${compact}`);
    }

    // An action's workflow (scheduledExecution) replays through the current bundle; with
    // RECORD_HISTORIES set, its history becomes a committed replay history (kept, never re-recorded).
    const stack = readStack();
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const client = new Client({ connection, namespace: stack.namespace });
      const described = await client.schedule.getHandle(temporalScheduleId(name)).describe();
      const action = described.info.recentActions[0]?.action;
      expect(action?.type).toBe('startWorkflow');
      const history = await client.workflow.getHandle(action?.workflow.workflowId as string).fetchHistory();
      // This stack exports no span: the schedule starts its workflows recording none.
      expect(defaultPayloadConverter.fromPayload(startHeaders(history)[SPANS_HEADER])).toBe(false);
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: { codePath: workflowBundlePath() }, sinks: replaySinks() },
          history,
          'scheduled-execution',
        ),
      ).resolves.toBeUndefined();
      const file = path.join(ROOT, 'test', 'replay', 'histories', 'scheduled-execution-waits.history.bin');
      if (process.env.RECORD_HISTORIES && !fs.existsSync(file)) {
        fs.writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
      }
    } finally {
      await connection.close();
    }

    const paused = await call('POST', `/v1/schedules/${name}/pause`, { note: 'test' });
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    // An action already under way when the pause landed may still record; then nothing more.
    const settled = await until(
      async () => {
        const before = (await executionsOf(machine)).length;
        await sleep(2500);
        return { before, after: (await executionsOf(machine)).length };
      },
      ({ before, after }) => before === after,
    );
    await sleep(6000);
    expect((await executionsOf(machine)).length).toBe(settled.after);
    const listed = (await call('GET', `/v1/schedules/${name}/executions?limit=1000`)).body.executions;
    expect(listed).toHaveLength(settled.after);

    expect((await call('POST', `/v1/schedules/${name}/resume`)).body.paused).toBe(false);
    expect((await call('DELETE', `/v1/schedules/${name}`)).status).toBe(204);
    expect((await call('GET', `/v1/schedules/${name}`)).status).toBe(404);
  });

  test('a backfill takes each nominal time of the range once, and backfilling it again starts nothing new', async () => {
    const machine = uniqueName('backfill');
    await createMachine(machine, ECHO);
    const name = uniqueName('daily').replace(/[^A-Za-z0-9_-]/g, '');
    expect(
      (
        await call('POST', '/v1/schedules', {
          name,
          stateMachine: machine,
          expression: 'cron(30 6 * * ? *)',
          timeZone: 'UTC',
          overlap: 'ALLOW_ALL',
        })
      ).status,
    ).toBe(201);
    const end = new Date(Date.UTC(2026, 10, 5, 12));
    const start = new Date(Date.UTC(2026, 10, 1, 0));
    const range = { start: start.toISOString(), end: end.toISOString() };
    expect((await call('POST', `/v1/schedules/${name}/backfill`, range)).status).toBe(202);
    const expected = [
      '2026-11-05T06:30:00.000Z',
      '2026-11-04T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ];
    const first = await until(
      async () => (await call('GET', `/v1/schedules/${name}/executions`)).body.executions as any[],
      (executions) => executions.length >= 5,
      300_000,
    );
    expect(first.map((item) => item.scheduledTime)).toEqual(expected);

    const taken = (await call('GET', `/v1/schedules/${name}`)).body.numActionsTaken as number;
    expect((await call('POST', `/v1/schedules/${name}/backfill`, range)).status).toBe(202);
    await until(
      async () => (await call('GET', `/v1/schedules/${name}`)).body.numActionsTaken as number,
      (count) => count >= taken + 5,
    );
    // The repeated actions have run their start; wait for those workflows to end.
    await until(
      async () => {
        const { rows } = await pool.query(
          'SELECT count(*)::int AS n FROM executions WHERE state_machine = $1 AND status = $2',
          [machine, 'RUNNING'],
        );
        return rows[0].n as number;
      },
      (n) => n === 0,
    );
    await sleep(3000);
    expect((await executionsOf(machine)).map((row) => row.name)).toEqual(
      [...expected].reverse().map((time) => `${name}-${time.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}`),
    );
    expect((await call('GET', `/v1/schedules/${name}/executions`)).body.executions).toHaveLength(5);
    expect((await call('DELETE', `/v1/schedules/${name}`)).status).toBe(204);
    // Temporal's scheduler works through a backfill on its own timers; at the start of a full
    // run (a dozen stacks starting at once on two cores) it once took past the default 120 s.
  }, 360_000);
});
