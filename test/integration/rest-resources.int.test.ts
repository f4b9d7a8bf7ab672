import { call, createMachine, startExecution, uniqueName, waitForEnd } from './support/client';

describe('REST resources', () => {
  test('creates activities idempotently, lists, describes and deletes them', async () => {
    const name = uniqueName('act');
    const created = await call('POST', '/v1/activities', { name });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, activityArn: `arn:aws:states:us-east-1:000000000000:activity:${name}` });
    expect((await call('POST', '/v1/activities', { name })).status).toBe(200);
    expect((await call('GET', `/v1/activities/${name}`)).body.name).toBe(name);
    const listed = await call('GET', '/v1/activities?limit=1000');
    expect(listed.body.activities.map((a: any) => a.name)).toContain(name);
    expect((await call('DELETE', `/v1/activities/${name}`)).status).toBe(204);
    const gone = await call('GET', `/v1/activities/${name}`);
    expect([gone.status, gone.body.code]).toEqual([404, 'ACTIVITY_NOT_FOUND']);
  });

  test('lists executions newest first, filtered by state machine, status and time, a page at a time', async () => {
    const machine = uniqueName('listing');
    await createMachine(machine, {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Fine' }], Default: 'Bad' },
        Fine: { Type: 'Succeed' },
        Bad: { Type: 'Fail', Error: 'NotOk' },
      },
    });
    const from = new Date().toISOString();
    const ids: string[] = [];
    for (const [i, ok] of [true, false, true].entries()) {
      ids.push(await startExecution(machine, { ok }, `run-${i}`));
      await waitForEnd(ids[i]);
    }
    const all = await call('GET', `/v1/executions?stateMachine=${machine}`);
    expect(all.body.executions.map((e: any) => e.name)).toEqual(['run-2', 'run-1', 'run-0']);
    const failed = await call('GET', `/v1/executions?stateMachine=${machine}&status=FAILED`);
    expect(failed.body.executions.map((e: any) => [e.name, e.error])).toEqual([['run-1', 'NotOk']]);
    const first = await call('GET', `/v1/executions?stateMachine=${machine}&limit=2`);
    expect(first.body.executions.map((e: any) => e.name)).toEqual(['run-2', 'run-1']);
    const second = await call('GET', `/v1/executions?stateMachine=${machine}&limit=2&next=${first.body.next}`);
    expect(second.body.executions.map((e: any) => e.name)).toEqual(['run-0']);
    expect(second.body.next).toBeUndefined();
    const later = await call(
      'GET',
      `/v1/executions?stateMachine=${machine}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(later.body.executions).toEqual([]);
    const since = await call('GET', `/v1/executions?stateMachine=${machine}&from=${encodeURIComponent(from)}`);
    expect(since.body.executions).toHaveLength(3);
    const bad = await call('GET', '/v1/executions?status=DONE');
    expect([bad.status, bad.body.problems[0].path]).toEqual([400, '/querystring/status']);
  });
});
