import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServiceDeps } from '../../service/deps';
import { SfnError, toSfnError } from './errors';
import { activityActions } from './activity-actions';
import { aliasActions } from './alias-actions';
import { executionActions } from './execution-actions';
import { stateMachineActions } from './state-machine-actions';
import { tagActions } from './tag-actions';
import { testStateActions } from './test-state-action';
import { mapRunActions } from './map-run-actions';
import { versionActions } from './version-actions';
import { callbackActions } from './callback-actions';
import { deepStringMember, MAX_JSON_DEPTH, nestsDeeperThan } from '../json-limits';

type Action = (deps: ServiceDeps, body: unknown) => Promise<unknown>;

/**
 * Every supported `AWSStepFunctions.<Action>`, in a Map: a name such as `constructor`,
 * `__proto__` or `toString` must never reach an inherited property of a plain object.
 */
const ACTIONS: ReadonlyMap<string, Action> = new Map(
  [
    mapRunActions,
    stateMachineActions,
    versionActions,
    aliasActions,
    executionActions,
    activityActions,
    tagActions,
    callbackActions,
    testStateActions,
  ].flatMap((group) => Object.entries(group as Record<string, Action>)),
);

const CONTENT_TYPES = ['application/x-amz-json-1.0', 'application/x-amz-json-1.1'];
const TARGET_PREFIX = 'AWSStepFunctions.';

/** The action an `X-Amz-Target` names, looked up in the Map only (own entries). */
export function actionOf(target: string): Action | undefined {
  return target.startsWith(TARGET_PREFIX) ? ACTIONS.get(target.slice(TARGET_PREFIX.length)) : undefined;
}

/** True for the plain JSON objects actions answer with (never a class instance such as a pool or a config). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sends a protocol error: `{"__type", "message"}` and `x-amzn-errortype`. */
function sendError(reply: FastifyReply, failure: SfnError) {
  return reply
    .status(failure.status)
    .header('x-amzn-errortype', failure.type)
    .header('content-type', 'application/x-amz-json-1.0')
    .send(JSON.stringify({ __type: failure.type, message: failure.message }));
}

/** The depth refusal for the protocol. */
function tooDeep(what: string): SfnError {
  return new SfnError(
    'SerializationException',
    `${what} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
  );
}

/**
 * The Step Functions JSON protocol on `POST /`: `X-Amz-Target: AWSStepFunctions.<Action>`,
 * `application/x-amz-json-1.0` bodies, errors as `{"__type", "message"}` — so the AWS SDKs and
 * CLI work with their endpoint pointed at Stepflow. Every failure, the body's parsing included,
 * answers in that shape: invalid or too deeply nested JSON is `SerializationException` (400).
 */
export const sfnProtocol: FastifyPluginAsync<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.addContentTypeParser(CONTENT_TYPES, { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // Kept verbatim: AWS Signature V4 signs the exact bytes (see auth.ts).
    (request as typeof request & { rawBody?: string }).rawBody = text;
    if (text === '') return done(null, {});
    if (nestsDeeperThan(text)) return done(tooDeep('The request body'), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new SfnError('SerializationException', 'The request body is not valid JSON'), undefined);
    }
    if (!isPlainObject(value))
      return done(new SfnError('SerializationException', 'The request body must be a JSON object'), undefined);
    const member = deepStringMember(value);
    return member === undefined ? done(null, value) : done(tooDeep(`The JSON text in '${member}'`), undefined);
  });

  // Errors before the handler (body parsing, size, media type) answer in the protocol's shape too.
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = toSfnError(err);
    if (known) return sendError(reply, known);
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return sendError(reply, new SfnError('SerializationException', 'The request body is not valid JSON'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(
        reply,
        new SfnError(
          err.statusCode === 413 ? 'RequestEntityTooLarge' : 'ValidationException',
          err.message,
          err.statusCode,
        ),
      );
    }
    request.log.error({ err }, 'step functions request failed');
    return sendError(reply, new SfnError('InternalFailure', 'Internal error', 500));
  });

  app.post('/', async (request, reply) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const log = request.log.child({ action: target });
    try {
      const action = actionOf(target);
      if (!action) throw new SfnError('UnknownOperationException', `Unknown operation: '${target.slice(0, 256)}'`);
      const payload = await action(deps, request.body);
      if (!isPlainObject(payload)) throw new Error(`action ${target} answered something other than a plain object`);
      return reply.status(200).header('content-type', 'application/x-amz-json-1.0').send(JSON.stringify(payload));
    } catch (err) {
      const known = toSfnError(err);
      if (!known) log.error({ err }, 'step functions action failed');
      return sendError(reply, known ?? new SfnError('InternalFailure', 'Internal error', 500));
    }
  });
};
