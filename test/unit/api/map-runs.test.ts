import { insertExecution } from '../../../engine/db/executions-repo';
import {
  finishMapRun,
  insertMapRun,
  insertMapRunChildren,
  setMapRunResultsWritten,
} from '../../../engine/db/map-runs-repo';
import { apiApp, type ApiApp } from '../support/api-app';

const ARN = 'arn:aws:states:us-east-1:000000000000';
const MAP_RUN = `${ARN}:mapRun:mr/fan:11111111-2222-4333-a444-555555555555`;
const RUNNING_MAP_RUN = `${ARN}:mapRun:mr/fan:99999999-2222-4333-a444-555555555555`;

let api: ApiApp;

async function sfn(action: string, body: unknown) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function rest(method: 'GET' | 'PATCH', url: string, payload?: Record<string, unknown>) {
  const res = await api.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** A Map Run of 4 children (batches of 2, 2, 2 and 1 items): 2 SUCCEEDED, 1 FAILED, 1 not started. */
async function storeMapRun(mapRunArn: string, status: 'RUNNING' | 'SUCCEEDED'): Promise<void> {
  await insertMapRun(api.pool, {
    mapRunArn,
    executionId: 'mr:parent',
    stateName: 'Fan',
    label: 'fan',
    executionType: 'STANDARD',
    maxConcurrency: 3,
    toleratedFailureCount: 1,
    toleratedFailurePercentage: 50,
    plan: { planVersion: 1, definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
    parentRedriveCount: 0,
    inputs: [{ Items: [1, 2] }, { Items: [3, 4] }, { Items: [5, 6] }, { Items: [7] }],
    sizes: [2, 2, 2, 1],
  });
  const id = (n: number) => `mr/fan:${mapRunArn.slice(-8)}-${n}`;
  await insertMapRunChildren(
    api.pool,
    mapRunArn,
    { stateMachine: 'mr', version: 1 },
    [0, 1, 2].map((index) => ({ index, executionId: id(index), name: `${mapRunArn.slice(-8)}-${index}` })),
  );
  await api.pool.query(
    `UPDATE executions SET status = 'SUCCEEDED', output = '{"ok":true}', stop_date = now() WHERE execution_id = ANY($1)`,
    [[id(0), id(1)]],
  );
  await api.pool.query(
    `UPDATE executions SET status = 'FAILED', error = 'Bad', cause = 'bad', stop_date = now() WHERE execution_id = $1`,
    [id(2)],
  );
  if (status !== 'RUNNING') await finishMapRun(api.pool, mapRunArn, { status });
}

beforeAll(async () => {
  api = await apiApp('map_runs');
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/state-machines',
    payload: { name: 'mr', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
  });
  expect(created.statusCode).toBe(201);
  await insertExecution(api.pool, {
    executionId: 'mr:parent',
    stateMachine: 'mr',
    version: 1,
    name: 'parent',
    input: {},
  });
  await storeMapRun(MAP_RUN, 'SUCCEEDED');
  await storeMapRun(RUNNING_MAP_RUN, 'RUNNING');
});
afterAll(async () => api.close());

const COUNTS = { resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0, timedOut: 0, aborted: 0, running: 0 };

describe('Map Run API (DescribeMapRun, ListMapRuns, UpdateMapRun, ListExecutions by mapRunArn)', () => {
  test('DescribeMapRun reports settings and exact counts of children and items by status', async () => {
    const { status, body } = await sfn('DescribeMapRun', { mapRunArn: MAP_RUN });
    expect(status).toBe(200);
    expect(body).toEqual({
      mapRunArn: MAP_RUN,
      executionArn: `${ARN}:execution:mr:parent`,
      status: 'SUCCEEDED',
      startDate: expect.any(Number),
      stopDate: expect.any(Number),
      maxConcurrency: 3,
      toleratedFailurePercentage: 50,
      toleratedFailureCount: 1,
      itemCounts: { ...COUNTS, pending: 1, succeeded: 4, failed: 2, total: 7 },
      executionCounts: { ...COUNTS, pending: 1, succeeded: 2, failed: 1, total: 4 },
      redriveCount: 0,
    });
    const viaRest = await rest('GET', `/v1/map-runs/${encodeURIComponent(MAP_RUN)}`);
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toMatchObject({
      mapRunArn: MAP_RUN,
      executionId: 'mr:parent',
      stateName: 'Fan',
      label: 'fan',
      executionCounts: body.executionCounts,
      itemCounts: body.itemCounts,
    });
  });

  test('DescribeMapRun reports resultsWritten as last recorded when the ResultWriter wrote the results', async () => {
    await setMapRunResultsWritten(api.pool, RUNNING_MAP_RUN, { children: 3, items: 6 });
    // A later write (a redrive's) replaces the counts: it covers every item's latest child again.
    await setMapRunResultsWritten(api.pool, RUNNING_MAP_RUN, { children: 4, items: 7 });
    const { status, body } = await sfn('DescribeMapRun', { mapRunArn: RUNNING_MAP_RUN });
    expect(status).toBe(200);
    expect([body.itemCounts.resultsWritten, body.executionCounts.resultsWritten]).toEqual([7, 4]);
    const other = await sfn('DescribeMapRun', { mapRunArn: MAP_RUN });
    expect([other.body.itemCounts.resultsWritten, other.body.executionCounts.resultsWritten]).toEqual([0, 0]);
  });

  test("ListMapRuns lists the execution's Map Runs oldest first, a page at a time", async () => {
    const first = await sfn('ListMapRuns', { executionArn: `${ARN}:execution:mr:parent`, maxResults: 1 });
    expect(first.status).toBe(200);
    expect(first.body.mapRuns).toEqual([
      {
        executionArn: `${ARN}:execution:mr:parent`,
        mapRunArn: MAP_RUN,
        stateMachineArn: `${ARN}:stateMachine:mr/fan`,
        startDate: expect.any(Number),
        stopDate: expect.any(Number),
      },
    ]);
    const second = await sfn('ListMapRuns', {
      executionArn: `${ARN}:execution:mr:parent`,
      nextToken: first.body.nextToken,
    });
    expect(second.body.mapRuns.map((run: { mapRunArn: string }) => run.mapRunArn)).toEqual([RUNNING_MAP_RUN]);
    expect(second.body.nextToken).toBeUndefined();
    const viaRest = await rest('GET', '/v1/executions/mr%3Aparent/map-runs');
    expect(viaRest.body.mapRuns.map((run: { mapRunArn: string }) => run.mapRunArn)).toEqual([MAP_RUN, RUNNING_MAP_RUN]);
  });

  test("ListExecutions by mapRunArn lists only its children, and a state machine's list leaves them out", async () => {
    const children = await sfn('ListExecutions', { mapRunArn: MAP_RUN });
    expect(children.status).toBe(200);
    expect(children.body.executions).toHaveLength(3);
    for (const child of children.body.executions) {
      expect(child.executionArn).toMatch(new RegExp(`^${ARN}:execution:mr/fan:55555555-[012]$`));
      expect(child).toMatchObject({ mapRunArn: MAP_RUN, stateMachineArn: `${ARN}:stateMachine:mr/fan` });
    }
    const machine = await sfn('ListExecutions', { stateMachineArn: `${ARN}:stateMachine:mr` });
    expect(machine.body.executions.map((e: { name: string }) => e.name)).toEqual(['parent']);
    const viaRest = await rest('GET', `/v1/executions?mapRunArn=${encodeURIComponent(MAP_RUN)}`);
    expect(viaRest.body.executions).toHaveLength(3);
    const described = await sfn('DescribeExecution', { executionArn: children.body.executions[0].executionArn });
    expect(described.status).toBe(200);
    expect(described.body.mapRunArn).toBe(MAP_RUN);
  });

  test('answers ResourceNotFound / 404 when the Map Run does not exist, InvalidArn when the ARN is malformed', async () => {
    const unknown = `${ARN}:mapRun:mr/fan:00000000-0000-4000-a000-000000000000`;
    expect(await sfn('DescribeMapRun', { mapRunArn: unknown })).toEqual({
      status: 400,
      body: { __type: 'ResourceNotFound', message: `Resource not found: '${unknown}'` },
    });
    expect((await sfn('UpdateMapRun', { mapRunArn: unknown, maxConcurrency: 1 })).body.__type).toBe('ResourceNotFound');
    expect((await sfn('ListExecutions', { mapRunArn: unknown })).body.__type).toBe('ResourceNotFound');
    const viaRest = await rest('GET', `/v1/map-runs/${encodeURIComponent(unknown)}`);
    expect(viaRest.status).toBe(404);
    expect(viaRest.body.code).toBe('RESOURCE_NOT_FOUND');
    expect((await sfn('DescribeMapRun', { mapRunArn: 'not-an-arn' })).body.__type).toBe('InvalidArn');
    expect((await rest('GET', '/v1/executions/mr%3Anope/map-runs')).status).toBe(404);
  });

  test('answers ValidationException / 400 when UpdateMapRun values are bad or the Map Run is not running', async () => {
    for (const bad of [{ maxConcurrency: -1 }, { toleratedFailurePercentage: 101 }, { toleratedFailureCount: 1.5 }]) {
      expect((await sfn('UpdateMapRun', { mapRunArn: RUNNING_MAP_RUN, ...bad })).body.__type).toBe(
        'ValidationException',
      );
      expect((await rest('PATCH', `/v1/map-runs/${encodeURIComponent(RUNNING_MAP_RUN)}`, bad)).status).toBe(400);
    }
    expect((await sfn('UpdateMapRun', { mapRunArn: RUNNING_MAP_RUN })).body).toEqual({
      __type: 'ValidationException',
      message: 'At least one of maxConcurrency, toleratedFailureCount and toleratedFailurePercentage must be given',
    });
    expect((await sfn('UpdateMapRun', { mapRunArn: MAP_RUN, maxConcurrency: 2 })).body).toEqual({
      __type: 'ValidationException',
      message: `Map Run '${MAP_RUN}' is not running`,
    });
    expect(
      (await sfn('ListExecutions', { mapRunArn: MAP_RUN, stateMachineArn: `${ARN}:stateMachine:mr` })).body.__type,
    ).toBe('ValidationException');
  });
});
