import { Writable } from 'node:stream';
import pino from 'pino';
import { executionLogWriter } from '../../../activities/execution-log';
import { insertEvents } from '../../../engine/db/events-repo';
import { insertExecution } from '../../../engine/db/executions-repo';
import type { HistoryEvent } from '../../../schemas/history';
import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;

const ARN = (machine: string, name: string) => `arn:aws:states:us-east-1:000000000000:execution:${machine}:${name}`;

/** A failed run: started, a Task that failed, the execution failed. */
const history: HistoryEvent[] = [
  {
    id: 1,
    previousEventId: 0,
    timestamp: '2026-01-01T00:00:00.000Z',
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: '{"secret":1}', inputDetails: { truncated: false }, roleArn: 'r' },
  },
  {
    id: 2,
    previousEventId: 0,
    timestamp: '2026-01-01T00:00:00.001Z',
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name: 'T', input: '{"secret":1}', inputDetails: { truncated: false } },
  },
  {
    id: 3,
    previousEventId: 2,
    timestamp: '2026-01-01T00:00:00.002Z',
    type: 'LambdaFunctionFailed',
    lambdaFunctionFailedEventDetails: { error: 'Boom', cause: 'bad' },
  },
  {
    id: 4,
    previousEventId: 3,
    timestamp: '2026-01-01T00:00:00.003Z',
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: 'Boom', cause: 'bad' },
  },
];

async function sfn(target: string, body: unknown) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Creates machine `name` with `logging` and stores one execution of it with `history`; returns its id. */
async function machineWithExecution(name: string, logging?: Record<string, unknown>): Promise<string> {
  const created = await sfn('CreateStateMachine', {
    name,
    roleArn: 'arn:aws:iam::000000000000:role/r',
    definition: JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Pass', End: true } } }),
    ...(logging ? { loggingConfiguration: logging } : {}),
  });
  expect(created.status).toBe(200);
  const executionId = `${name}:run`;
  await insertExecution(api.pool, { executionId, stateMachine: name, version: 1, name: 'run', input: {} });
  await insertEvents(api.pool, executionId, history);
  return executionId;
}

async function logs(executionId: string, query = '') {
  const res = await api.app.inject({ method: 'GET', url: `/v1/executions/${executionId}/logs${query}` });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

beforeAll(async () => {
  api = await apiApp('execution_logs');
});
afterAll(async () => api.close());

describe('GET /v1/executions/{id}/logs', () => {
  test('answers the failures without data at level ERROR', async () => {
    const id = await machineWithExecution('errors', { level: 'ERROR', includeExecutionData: false, destinations: [] });
    const described = await sfn('DescribeStateMachine', {
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:errors',
    });
    expect(described.body.loggingConfiguration).toEqual({
      level: 'ERROR',
      includeExecutionData: false,
      destinations: [],
    });
    expect(await logs(id)).toEqual({
      status: 200,
      body: {
        level: 'ERROR',
        includeExecutionData: false,
        events: [
          {
            id: '3',
            type: 'LambdaFunctionFailed',
            details: { error: 'Boom', cause: 'bad' },
            previous_event_id: '2',
            event_timestamp: String(Date.UTC(2026, 0, 1, 0, 0, 0, 2)),
            execution_arn: ARN('errors', 'run'),
            redrive_count: '0',
          },
          {
            id: '4',
            type: 'ExecutionFailed',
            details: { error: 'Boom', cause: 'bad' },
            previous_event_id: '3',
            event_timestamp: String(Date.UTC(2026, 0, 1, 0, 0, 0, 3)),
            execution_arn: ARN('errors', 'run'),
            redrive_count: '0',
          },
        ],
      },
    });
  });

  test('answers every event with its data at level ALL, paged by the history cursor', async () => {
    const id = await machineWithExecution('everything', { level: 'ALL', includeExecutionData: true });
    const first = await logs(id, '?limit=3');
    expect(first.body.events.map((e: { id: string }) => e.id)).toEqual(['1', '2', '3']);
    expect(first.body.events[0].details.input).toBe('{"secret":1}');
    const second = await logs(id, `?limit=3&next=${first.body.next}`);
    expect(second.body.events.map((e: { id: string }) => e.id)).toEqual(['4']);
    expect(second.body.next).toBeUndefined();
  });

  test('answers no events when logging is OFF (the default), and 404 for an unknown execution', async () => {
    const id = await machineWithExecution('silent');
    expect((await logs(id)).body).toEqual({ level: 'OFF', includeExecutionData: false, events: [] });
    expect((await logs('silent:nope')).status).toBe(404);
  });
});

describe('the worker writes execution log events to its log', () => {
  test('one JSON line per logged event, each with executionArn, at the machine level', async () => {
    const id = await machineWithExecution('fatal', { level: 'FATAL' });
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const write = executionLogWriter(api.pool, pino({ level: 'info' }, sink));
    await write(id, history);
    await write(id, JSON.stringify(history.map((details) => ({ details }))));
    expect(lines.map((l) => [l.executionArn, l.executionId, l.msg])).toEqual([
      [ARN('fatal', 'run'), id, 'execution log: ExecutionFailed'],
      [ARN('fatal', 'run'), id, 'execution log: ExecutionFailed'],
    ]);
    expect(lines[0]!.executionLog).toEqual({
      id: '4',
      type: 'ExecutionFailed',
      details: { error: 'Boom', cause: 'bad' },
      previous_event_id: '3',
      event_timestamp: String(Date.UTC(2026, 0, 1, 0, 0, 0, 3)),
      execution_arn: ARN('fatal', 'run'),
      redrive_count: '0',
    });
  });
});
