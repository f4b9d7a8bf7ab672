import { executionIdOf } from '../../engine/api/sfn/arn';
import { executionArnOfId, stateMachineArnOfId } from '../../engine/core/arn';
import { exceedsTolerance, mapRunArnOf, mapRunChildId, parseMapRunArn } from '../../engine/core/interpreter/map-run';

const ARN = 'arn:aws:states:us-east-1:000000000000';
const UUID = '0f1e2d3c-4b5a-4697-a887-766554433221';

describe('Map Run ARNs', () => {
  test('names a Map Run <machine>/<label>:<uuid> and its children execution:<machine>/<label>:<uuid>', () => {
    const arn = mapRunArnOf('orders', 'fan', UUID);
    expect(arn).toBe(`${ARN}:mapRun:orders/fan:${UUID}`);
    expect(parseMapRunArn(arn)).toEqual({
      region: 'us-east-1',
      account: '000000000000',
      stateMachine: 'orders',
      label: 'fan',
      id: UUID,
    });
    const child = mapRunChildId(arn, 'c1');
    expect(child).toBe('orders/fan:c1');
    expect(executionArnOfId(child)).toBe(`${ARN}:execution:orders/fan:c1`);
    expect(stateMachineArnOfId(child, 'orders')).toBe(`${ARN}:stateMachine:orders/fan`);
    expect(executionIdOf(`${ARN}:execution:orders/fan:c1`)).toBe(child);
  });

  test('leaves ordinary executions as they were', () => {
    expect(executionArnOfId('orders:run-1')).toBe(`${ARN}:execution:orders:run-1`);
    expect(stateMachineArnOfId('orders:run-1', 'orders')).toBe(`${ARN}:stateMachine:orders`);
    expect(executionIdOf(`${ARN}:execution:orders:run-1`)).toBe('orders:run-1');
  });

  test('is not a Map Run ARN when a part is missing or holds a separator', () => {
    expect(parseMapRunArn(`${ARN}:mapRun:orders:${UUID}`)).toBeUndefined();
    expect(parseMapRunArn(`${ARN}:mapRun:orders/a/b:${UUID}`)).toBeUndefined();
    expect(parseMapRunArn(`${ARN}:execution:orders/fan:${UUID}`)).toBeUndefined();
    expect(() => mapRunChildId('nope', 'c1')).toThrow('not a Map Run ARN: nope');
  });
});

describe('exceedsTolerance', () => {
  test('tolerates no failure when neither ToleratedFailureCount nor ToleratedFailurePercentage is set', () => {
    expect(exceedsTolerance(0, 10)).toBe(false);
    expect(exceedsTolerance(1, 10)).toBe(true);
  });

  test('tolerates up to ToleratedFailureCount failures', () => {
    expect(exceedsTolerance(3, 10, 3)).toBe(false);
    expect(exceedsTolerance(4, 10, 3)).toBe(true);
  });

  test('tolerates up to ToleratedFailurePercentage of the children', () => {
    expect(exceedsTolerance(2, 20, undefined, 10)).toBe(false);
    expect(exceedsTolerance(3, 20, undefined, 10)).toBe(true);
    expect(exceedsTolerance(20, 20, undefined, 100)).toBe(false);
  });

  test('fails past either when both are set', () => {
    expect(exceedsTolerance(3, 100, 2, 50)).toBe(true);
    expect(exceedsTolerance(2, 3, 5, 50)).toBe(true);
    expect(exceedsTolerance(1, 3, 5, 50)).toBe(false);
  });
});
