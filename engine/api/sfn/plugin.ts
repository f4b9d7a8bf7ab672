import type { FastifyPluginAsync } from 'fastify';
import type { ServiceDeps } from '../../executions/deps';
import { SfnError, toSfnError } from './errors';
import { activityActions } from './activity-actions';
import { aliasActions } from './alias-actions';
import { executionActions } from './execution-actions';
import { stateMachineActions } from './state-machine-actions';
import { tagActions } from './tag-actions';
import { testStateActions } from './test-state-action';
import { unavailableActions } from './unavailable-actions';
import { versionActions } from './version-actions';
import { callbackActions } from './callback-actions';

type Action = (deps: ServiceDeps, body: unknown) => Promise<unknown>;

/** Every supported `AWSStepFunctions.<Action>`. */
const ACTIONS: Record<string, Action> = {
  ...unavailableActions,
  ...stateMachineActions,
  ...versionActions,
  ...aliasActions,
  ...executionActions,
  ...activityActions,
  ...tagActions,
  ...callbackActions,
  ...testStateActions,
};

const CONTENT_TYPES = ['application/x-amz-json-1.0', 'application/x-amz-json-1.1'];
const TARGET_PREFIX = 'AWSStepFunctions.';

/**
 * The Step Functions JSON protocol on `POST /`: `X-Amz-Target: AWSStepFunctions.<Action>`,
 * `application/x-amz-json-1.0` bodies, errors as `{"__type", "message"}` — so the AWS SDKs and
 * CLI work with their endpoint pointed at Stepflow.
 */
export const sfnProtocol: FastifyPluginAsync<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.addContentTypeParser(CONTENT_TYPES, { parseAs: 'string' }, (request, body, done) => {
    // Kept verbatim: AWS Signature V4 signs the exact bytes (see auth.ts).
    (request as typeof request & { rawBody?: string }).rawBody = body as string;
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(new SfnError('SerializationException', 'The request body is not valid JSON'), undefined);
    }
  });

  app.post('/', async (request, reply) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const log = request.log.child({ action: target });
    let status = 200;
    let payload: unknown;
    try {
      const action = target.startsWith(TARGET_PREFIX) ? ACTIONS[target.slice(TARGET_PREFIX.length)] : undefined;
      if (!action) throw new SfnError('UnknownOperationException', `Unknown operation: '${target}'`);
      payload = await action(deps, request.body);
    } catch (err) {
      const known = toSfnError(err);
      if (!known) log.error({ err }, 'step functions action failed');
      const failure = known ?? new SfnError('InternalFailure', 'Internal error', 500);
      status = failure.status;
      payload = { __type: failure.type, message: failure.message };
      reply.header('x-amzn-errortype', failure.type);
    }
    return reply.status(status).header('content-type', 'application/x-amz-json-1.0').send(JSON.stringify(payload));
  });
};
