import { executionLogEvents, isLogged, loggingSettings } from '../../engine/core/execution-log';
import type { HistoryEvent } from '../../schemas/history';

const ARN = 'arn:aws:states:us-east-1:000000000000:execution:m:e';

const history: HistoryEvent[] = [
  {
    id: 1,
    previousEventId: 0,
    timestamp: '2026-01-01T00:00:00.000Z',
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn: 'r' },
  },
  {
    id: 2,
    previousEventId: 0,
    timestamp: '2026-01-01T00:00:00.005Z',
    type: 'TaskFailed',
    taskFailedEventDetails: { resource: 'invoke', resourceType: 'lambda', error: 'E', cause: 'c' },
  },
  {
    id: 3,
    previousEventId: 2,
    timestamp: '2026-01-01T00:00:00.010Z',
    type: 'FailStateEntered',
    stateEnteredEventDetails: { name: 'F', input: '{}', inputDetails: { truncated: false } },
  },
  {
    id: 4,
    previousEventId: 3,
    timestamp: '2026-01-01T00:00:01.000Z',
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: 'E', cause: 'c' },
  },
];

describe('execution log levels', () => {
  test('log every event at ALL, failures at ERROR, the execution end at FATAL, nothing at OFF', () => {
    const types = history.map((e) => e.type);
    expect(types.filter((t) => isLogged(t, 'ALL'))).toEqual(types);
    expect(types.filter((t) => isLogged(t, 'ERROR'))).toEqual(['TaskFailed', 'FailStateEntered', 'ExecutionFailed']);
    expect(types.filter((t) => isLogged(t, 'FATAL'))).toEqual(['ExecutionFailed']);
    expect(types.filter((t) => isLogged(t, 'OFF'))).toEqual([]);
    expect(['MapIterationAborted', 'TaskTimedOut', 'EvaluationFailed'].every((t) => isLogged(t, 'ERROR'))).toBe(true);
    expect(['TaskSucceeded', 'PassStateExited'].some((t) => isLogged(t, 'ERROR'))).toBe(false);
  });

  test('read a stored configuration with the defaults of Step Functions', () => {
    expect(loggingSettings(null)).toEqual({ level: 'OFF', includeExecutionData: false });
    expect(loggingSettings({ level: 'ERROR' })).toEqual({ level: 'ERROR', includeExecutionData: false });
    expect(loggingSettings({ level: 'ALL', includeExecutionData: true, destinations: [] })).toEqual({
      level: 'ALL',
      includeExecutionData: true,
    });
  });
});

describe('execution log events', () => {
  test('take the CloudWatch shape, with the data only when includeExecutionData', () => {
    const withData = executionLogEvents(
      history,
      { level: 'ALL', includeExecutionData: true },
      { arn: ARN, redriveCount: 1 },
    );
    expect(withData[0]).toEqual({
      id: '1',
      type: 'ExecutionStarted',
      details: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn: 'r' },
      previous_event_id: '0',
      event_timestamp: String(Date.UTC(2026, 0, 1)),
      execution_arn: ARN,
      redrive_count: '1',
    });
    const withoutData = executionLogEvents(
      history,
      { level: 'ERROR', includeExecutionData: false },
      { arn: ARN, redriveCount: 0 },
    );
    expect(withoutData.map((e) => [e.id, e.type, e.details])).toEqual([
      ['2', 'TaskFailed', { resource: 'invoke', resourceType: 'lambda', error: 'E', cause: 'c' }],
      ['3', 'FailStateEntered', { name: 'F', inputDetails: { truncated: false } }],
      ['4', 'ExecutionFailed', { error: 'E', cause: 'c' }],
    ]);
  });

  test('are none at OFF', () => {
    expect(
      executionLogEvents(history, { level: 'OFF', includeExecutionData: true }, { arn: ARN, redriveCount: 0 }),
    ).toEqual([]);
  });
});
