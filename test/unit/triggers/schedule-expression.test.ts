import { parseScheduleExpression, isTimeZone } from '../../../engine/triggers/schedule-expression';
import { signWebhook, verifyWebhookSignature } from '../../../engine/triggers/webhook-signature';
import { compactTime, scheduledExecutionName } from '../../../engine/triggers/schedule-activities';
import { nominalTimeOf } from '../../../workflows/scheduled-execution';
import { redactUrl } from '../../../engine/triggers/queue-triggers';
import { messageExecutionName, retryDelayMs } from '../../../engine/triggers/consumer/message-start';

describe('parseScheduleExpression', () => {
  test('maps an EventBridge cron to a calendar when day-of-week is given (1 = Sunday)', () => {
    expect(parseScheduleExpression('cron(0/15 9-17 ? JAN,JUL 2-6 *)')).toEqual({
      calendars: [
        {
          second: 0,
          minute: [{ start: 0, end: 59, step: 15 }],
          hour: [{ start: 9, end: 17, step: 1 }],
          dayOfMonth: '*',
          month: [
            { start: 'JANUARY', end: 'JANUARY', step: 1 },
            { start: 'JULY', end: 'JULY', step: 1 },
          ],
          dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
          year: '*',
        },
      ],
      oneTime: false,
    });
  });

  test('maps a day-of-month cron with a year range', () => {
    expect(parseScheduleExpression('cron(30 6 1,15 * ? 2027-2028)').calendars?.[0]).toEqual({
      second: 0,
      minute: [{ start: 30, end: 30, step: 1 }],
      hour: [{ start: 6, end: 6, step: 1 }],
      dayOfMonth: [
        { start: 1, end: 1, step: 1 },
        { start: 15, end: 15, step: 1 },
      ],
      month: '*',
      dayOfWeek: '*',
      year: [{ start: 2027, end: 2028, step: 1 }],
    });
  });

  test('maps rates to intervals in milliseconds, seconds included', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toEqual({ intervals: [{ every: 60_000 }], oneTime: false });
    expect(parseScheduleExpression('rate(5 seconds)')).toEqual({ intervals: [{ every: 5_000 }], oneTime: false });
    expect(parseScheduleExpression('rate(2 days)')).toEqual({ intervals: [{ every: 172_800_000 }], oneTime: false });
  });

  test('maps at() to one exact calendar time', () => {
    expect(parseScheduleExpression('at(2027-03-04T05:06:07)')).toEqual({
      calendars: [{ second: 7, minute: 6, hour: 5, dayOfMonth: 4, month: 'MARCH', year: 2027, dayOfWeek: '*' }],
      oneTime: true,
    });
  });

  test.each([
    ['cron(* * * * * *)', /exactly one/],
    ['cron(0 0 ? * 8 *)', /day-of-week/],
    ['cron(0 0 ? * MON#2 *)', /day-of-week/],
    ['cron(5-1 0 ? * * *)', /ends before/],
    ['cron(0 ? * * ? *)', /only in day-of-month/],
    ['rate(1.5 hours)', /rate/],
    ['rate(3 weeks)', /rate/],
    ['at(2027-13-01T00:00:00)', /not a valid date/],
    ['at(tomorrow)', /yyyy-mm-dd/],
    ['every day', /cron/],
  ])('refuses %s', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  });

  test('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('webhook signature', () => {
  const body = Buffer.from('{"a":1}');
  test('signs HMAC-SHA256 over "<t>." + body', () => {
    expect(signWebhook('secret', 1700000000, body)).toBe(
      't=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686',
    );
    expect(verifyWebhookSignature(signWebhook('secret', 1700000000, body), 'secret', body, 1700000100)).toBe('ok');
  });

  test('refuses a missing, malformed, expired or mismatched signature', () => {
    const good = signWebhook('secret', 1700000000, body);
    expect(verifyWebhookSignature(undefined, 'secret', body, 1700000000)).toBe('missing');
    expect(verifyWebhookSignature('v1=abc', 'secret', body, 1700000000)).toBe('malformed');
    expect(verifyWebhookSignature(good, 'secret', body, 1700000301)).toBe('expired');
    expect(verifyWebhookSignature(good, 'secret', body, 1699999699)).toBe('expired');
    expect(verifyWebhookSignature(good, 'other', body, 1700000000)).toBe('mismatch');
    expect(verifyWebhookSignature(good, 'secret', Buffer.from('{"a":2}'), 1700000000)).toBe('mismatch');
  });
});

describe('trigger execution names', () => {
  test('a scheduled execution is named after its schedule and nominal time', () => {
    expect(compactTime('2026-12-03T21:00:05.000Z')).toBe('20261203T210005Z');
    expect(scheduledExecutionName('nightly', '2026-12-03T21:00:05Z')).toBe('nightly-20261203T210005Z');
    expect(nominalTimeOf('stepflow-schedule-nightly-2026-12-03T21:00:05Z')).toBe('2026-12-03T21:00:05Z');
    expect(nominalTimeOf('stepflow-schedule-nightly')).toBeUndefined();
  });

  test('a message execution name is stable for a message id', () => {
    expect(messageExecutionName('orders', 'm-1')).toBe(messageExecutionName('orders', 'm-1'));
    expect(messageExecutionName('orders', 'm-1')).toMatch(/^orders-[0-9a-f]{24}$/);
    expect(messageExecutionName('orders', 'm-1')).not.toBe(messageExecutionName('orders', 'm-2'));
  });

  test('retry delays double from 1 s up to 30 s', () => {
    expect([1, 2, 3, 5, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 16000, 30000, 30000]);
  });

  test('a broker URL is shown without its password', () => {
    expect(redactUrl('amqp://guest:guest@127.0.0.1:5672/vh')).toBe('amqp://guest:***@127.0.0.1:5672/vh');
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });
});
