import { call, uniqueName, waitForEnd } from './support/client';

const definition = (result: string) => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Result: { result }, End: true } },
});

describe('REST state machine versions and aliases', () => {
  test('publishes versions, routes an alias and starts executions of them when driven over /v1', async () => {
    const name = uniqueName('rest-versions');
    expect((await call('POST', '/v1/state-machines', { name, definition: definition('v1') })).status).toBe(201);
    const first = await call('POST', `/v1/state-machines/${name}/versions`, { description: 'first' });
    expect(first).toMatchObject({
      status: 201,
      body: { stateMachine: name, version: 1, description: 'first', definition: definition('v1') },
    });
    expect((await call('POST', `/v1/state-machines/${name}/versions`, {})).status).toBe(200);
    await call('POST', '/v1/state-machines', { name, definition: definition('v2') });
    expect((await call('POST', `/v1/state-machines/${name}/versions`, {})).body.version).toBe(2);

    const versions = await call('GET', `/v1/state-machines/${name}/versions?limit=1`);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    const older = await call('GET', `/v1/state-machines/${name}/versions?limit=1&next=${versions.body.next}`);
    expect(older.body).toEqual({ versions: [expect.objectContaining({ version: 1 })] });

    const alias = await call('PUT', `/v1/state-machines/${name}/aliases/live`, {
      routes: [{ version: 1, weight: 100 }],
    });
    expect(alias).toMatchObject({ status: 201, body: { name: 'live', routes: [{ version: 1, weight: 100 }] } });
    const bad = await call('PUT', `/v1/state-machines/${name}/aliases/live`, {
      routes: [
        { version: 1, weight: 60 },
        { version: 2, weight: 30 },
      ],
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'Sum of routing configuration weights must equal 100. Received: [60, 30]',
      },
    });
    const missing = await call('PUT', `/v1/state-machines/${name}/aliases/next`, {
      routes: [{ version: 9, weight: 100 }],
    });
    expect(missing).toMatchObject({ status: 404, body: { code: 'RESOURCE_NOT_FOUND' } });
    expect(
      (await call('GET', `/v1/state-machines/${name}/aliases`)).body.aliases.map((a: { name: string }) => a.name),
    ).toEqual(['live']);

    const viaAlias = await call('POST', `/v1/state-machines/${name}/executions`, { name: 'a', alias: 'live' });
    expect(viaAlias).toMatchObject({ status: 201, body: { stateMachineVersion: 1, stateMachineAlias: 'live' } });
    expect(await waitForEnd(viaAlias.body.executionId)).toMatchObject({
      status: 'SUCCEEDED',
      output: { result: 'v1' },
    });
    const latest = await call('POST', `/v1/state-machines/${name}/executions`, { name: 'b' });
    expect(await waitForEnd(latest.body.executionId)).toMatchObject({ status: 'SUCCEEDED', output: { result: 'v2' } });

    const referenced = await call('DELETE', `/v1/state-machines/${name}/aliases/live`);
    expect(referenced.status).toBe(204);
    const listed = await call('GET', `/v1/state-machines?limit=1000`);
    expect(listed.body.stateMachines.map((m: { name: string }) => m.name)).toContain(name);
  });
});
