import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countActiveApiKeys, findActiveApiKey, type ApiKeyRow, type Scope } from '../db/api-keys-repo';
import type { ServiceDeps } from '../executions/deps';
import { parseSigV4, verifySigV4 } from './sigv4';

/** Routes anyone may call: liveness, readiness and the API's own documentation. */
const PUBLIC = [/^\/healthz$/, /^\/readyz$/, /^\/docs(\/.*)?$/, /^\/openapi\.json$/];
/** REST routes that run work (everything else that changes state is admin). */
const EXECUTE_ROUTES = new Set([
  '/v1/state-machines/:name/executions',
  '/v1/executions/:executionId/stop',
  '/v1/executions/:executionId/redrive',
  '/v1/task-tokens/success',
  '/v1/task-tokens/failure',
  '/v1/task-tokens/heartbeat',
  '/v1/activities/:name/poll',
]);
const READ_ACTIONS = /^(Describe\w+|List\w+|GetExecutionHistory|ValidateStateMachineDefinition)$/;
const EXECUTE_ACTIONS = /^(Start\w*Execution|StopExecution|RedriveExecution|SendTask\w+|GetActivityTask|TestState)$/;
/** How long the "are there keys at all" answer is cached. */
const OPEN_MODE_TTL_MS = 2_000;

/** The Step Functions protocol's one route: `POST /`. Nowhere else does `X-Amz-Target` mean anything. */
export function isSfnProtocolRoute(method: string, route: string | undefined): boolean {
  return method === 'POST' && route === '/';
}

/**
 * The scope a request needs, decided by its route: on the Step Functions protocol route by the
 * `X-Amz-Target` action (an unknown or missing action needs admin), on every other route by
 * REST method and route — a header never lowers what a REST route needs.
 */
export function requiredScope(method: string, route: string | undefined, target: string | undefined): Scope {
  if (isSfnProtocolRoute(method, route)) {
    const action = /^AWSStepFunctions\.(\w+)$/.exec(target ?? '')?.[1] ?? '';
    return READ_ACTIONS.test(action) ? 'read' : EXECUTE_ACTIONS.test(action) ? 'execute' : 'admin';
  }
  if (method === 'GET' || method === 'HEAD') return 'read';
  return route && EXECUTE_ROUTES.has(route) ? 'execute' : 'admin';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The refusal, in the REST shape or the Step Functions protocol's. */
function refuse(reply: FastifyReply, sfn: boolean, status: 401 | 403, type: string, message: string) {
  if (sfn) {
    return reply.status(400).header('x-amzn-errortype', type).header('content-type', 'application/x-amz-json-1.0').send(JSON.stringify({ __type: type, message }));
  }
  return reply.status(status).send({ code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message });
}

/**
 * API keys with scopes. Without any active key the API is open (and `stepflow api` then only
 * listens on a loopback address). With keys, REST takes `Authorization: Bearer <id>.<secret>`
 * and the Step Functions protocol AWS Signature V4 made with the key id and secret — the AWS
 * SDK's normal signing (a Bearer key is accepted there too, for scripts and the CLI). A key needs the scope of what it calls: read, execute or admin.
 */
export function installAuth(app: FastifyInstance, deps: ServiceDeps): void {
  let openUntil = 0;
  let open = true;
  const isOpen = async () => {
    if (Date.now() < openUntil) return open;
    open = (await countActiveApiKeys(deps.pool)) === 0;
    openUntil = Date.now() + OPEN_MODE_TTL_MS;
    return open;
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (PUBLIC.some((pattern) => pattern.test(path)) || (await isOpen())) return;
    const target = request.headers['x-amz-target'] as string | undefined;
    const sfn = isSfnProtocolRoute(request.method, request.routeOptions.url);
    const authorization = request.headers.authorization;
    let key: ApiKeyRow | undefined;
    if (sfn && !authorization?.startsWith('Bearer ')) {
      const header = parseSigV4(authorization);
      if (!header) return refuse(reply, true, 401, 'MissingAuthenticationTokenException', 'Request is missing a valid AWS Signature Version 4 Authorization header');
      key = await findActiveApiKey(deps.pool, header.accessKeyId);
      if (!key) return refuse(reply, true, 401, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      const query = Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? ''));
      const problem = await verifySigV4(
        { method: request.method, path, query, headers: request.headers, body: (request as FastifyRequest & { rawBody?: string }).rawBody ?? '' },
        header,
        key.secret,
      );
      if (problem) return refuse(reply, true, 401, 'InvalidSignatureException', `The request signature we calculated does not match the signature you provided: ${problem}`);
    } else {
      const bearer = /^Bearer\s+([^.\s]+)\.(\S+)$/.exec(authorization ?? '');
      if (!bearer) return refuse(reply, false, 401, '', 'An API key is required: Authorization: Bearer <key id>.<secret>');
      key = await findActiveApiKey(deps.pool, bearer[1]);
      if (!key || !sameSecret(key.secret, bearer[2])) return refuse(reply, false, 401, '', 'The API key is invalid or revoked');
    }
    const scope = requiredScope(request.method, request.routeOptions.url, target);
    if (!key.scopes.includes(scope)) {
      const message = `The API key '${key.id}' lacks the '${scope}' scope this request needs`;
      return refuse(reply, sfn, 403, 'AccessDeniedException', message);
    }
    request.log = request.log.child({ apiKey: key.id });
  });
}
