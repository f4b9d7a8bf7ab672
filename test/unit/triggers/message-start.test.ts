import { messageInput } from '../../../engine/triggers/consumer/message-start';
import { isRefusal, refusalCode } from '../../../engine/triggers/start-once';
import { DomainError } from '../../../engine/service/errors';

/** What `messageInput` threw for a body, as `[code, message]` (or the parsed input). */
function outcome(body: string): unknown {
  try {
    return messageInput(Buffer.from(body, 'utf8'));
  } catch (err) {
    return err instanceof DomainError ? [err.code, err.message] : err;
  }
}

describe('queue message start', () => {
  test('the body is the input, and an empty body is {}', () => {
    expect(outcome('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(outcome('  ')).toEqual({});
  });

  test('a body not JSON or nested too deep is a domain refusal, so the message is poison', () => {
    expect(outcome('nope')).toEqual(['INVALID_EXECUTION_INPUT', 'the message body is not JSON']);
    expect(outcome(`${'['.repeat(600)}${']'.repeat(600)}`)).toEqual([
      'JSON_TOO_DEEP',
      'the body nests deeper than 512 levels',
    ]);
    const refused = new DomainError('JSON_TOO_DEEP', 'deep');
    expect([refusalCode(refused), isRefusal(refused)]).toEqual(['JSON_TOO_DEEP', true]);
  });

  test('an unavailable dependency or an unexpected failure is no refusal: the message is retried', () => {
    const unavailable = new DomainError('SERVICE_UNAVAILABLE', 'retry');
    expect([refusalCode(unavailable), isRefusal(unavailable)]).toEqual(['SERVICE_UNAVAILABLE', false]);
    expect([refusalCode(new Error('db down')), isRefusal(new Error('db down'))]).toEqual([undefined, false]);
  });
});
