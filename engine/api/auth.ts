import { Readable } from 'node:stream';
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServiceDeps } from '../service/deps';
import { activeApiKey, authRequired, isLoopback, masterKeyOf, type ApiKeyRow, type Scope } from '../service/api-keys';
import { secretMatches, unsealSecret } from '../service/key-secrets';
import { checkSigV4Claims, isSigV4, parseSigV4, verifySigV4Signature, type SigV4Header } from './sigv4';

/** What a route needs: nothing (`public`) or a key holding that scope. */
export type Access = Scope | 'public';

/**
 * The access of every route, keyed `<METHOD> <route>` (HEAD follows GET). Deliberately a table:
 * a route missing here needs admin, and test/unit/auth-routes.test.ts fails until it is added.
 * The Step Functions protocol route (`POST /`) is decided by its action (ACTION_SCOPES).
 */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /metrics': 'read',
  'GET /v1/state-machines': 'read',
  'POST /v1/state-machines': 'admin',
  'GET /v1/state-machines/:name': 'read',
  'POST /v1/state-machines/:name/executions': 'execute',
  'GET /v1/state-machines/:name/versions': 'read',
  'POST /v1/state-machines/:name/versions': 'admin',
  'GET /v1/state-machines/:name/versions/:version': 'read',
  'GET /v1/state-machines/:name/aliases': 'read',
  'GET /v1/state-machines/:name/aliases/:alias': 'read',
  'PUT /v1/state-machines/:name/aliases/:alias': 'admin',
  'DELETE /v1/state-machines/:name/aliases/:alias': 'admin',
  'GET /v1/executions': 'read',
  'GET /v1/executions/:executionId': 'read',
  'GET /v1/executions/:executionId/history': 'read',
  'GET /v1/executions/:executionId/logs': 'read',
  'POST /v1/executions/:executionId/stop': 'execute',
  'POST /v1/executions/:executionId/redrive': 'execute',
  'GET /v1/executions/:executionId/map-runs': 'read',
  'GET /v1/map-runs/:mapRunArn': 'read',
  'PATCH /v1/map-runs/:mapRunArn': 'execute',
  'POST /v1/task-tokens/success': 'execute',
  'POST /v1/task-tokens/failure': 'execute',
  'POST /v1/task-tokens/heartbeat': 'execute',
  'POST /v1/activities': 'admin',
  'GET /v1/activities': 'read',
  'GET /v1/activities/:name': 'read',
  'DELETE /v1/activities/:name': 'admin',
  'POST /v1/activities/:name/poll': 'execute',
  // Connections hold credentials: only admin defines or even lists them.
  'POST /v1/connections': 'admin',
  'GET /v1/connections': 'admin',
  'GET /v1/connections/:name': 'admin',
  'DELETE /v1/connections/:name': 'admin',
  // TestState runs one state and stores nothing: execute, as the protocol's TestState.
  'POST /v1/test-state': 'execute',
  // Notification targets hold delivery addresses and signing secrets: admin to change them.
  'POST /v1/notification-targets': 'admin',
  'GET /v1/notification-targets': 'read',
  'GET /v1/notification-targets/:name': 'read',
  'PATCH /v1/notification-targets/:name': 'admin',
  'POST /v1/notification-targets/:name/rotate-secret': 'admin',
  'DELETE /v1/notification-targets/:name': 'admin',
  // Triggers: configuring them is admin (they start executions by themselves); reading is read.
  'POST /v1/schedules': 'admin',
  'GET /v1/schedules': 'read',
  'GET /v1/schedules/:name': 'read',
  'DELETE /v1/schedules/:name': 'admin',
  'POST /v1/schedules/:name/pause': 'admin',
  'POST /v1/schedules/:name/resume': 'admin',
  'POST /v1/schedules/:name/backfill': 'admin',
  'GET /v1/schedules/:name/executions': 'read',
  'POST /v1/webhooks': 'admin',
  'GET /v1/webhooks': 'read',
  'GET /v1/webhooks/:id': 'read',
  'POST /v1/webhooks/:id/rotate': 'admin',
  'DELETE /v1/webhooks/:id': 'admin',
  // A delivery is authenticated by its HMAC signature with the hook's secret, not by an API key.
  'POST /v1/hooks/:id': 'public',
  'POST /v1/queue-triggers': 'admin',
  'GET /v1/queue-triggers': 'read',
  'GET /v1/queue-triggers/:name': 'read',
  'DELETE /v1/queue-triggers/:name': 'admin',
  // The web console's static files: no data in them; its API calls carry the user's key.
  'GET /ui': 'public',
  'GET /ui/*': 'public',
};

/** The browsable API docs (Swagger UI's own routes): public, like /openapi.json. */
const DOCS_ROUTE = /^\/docs(\/|$)/;

/**
 * The scope of every `AWSStepFunctions.<Action>`, as a table: an action not listed needs admin.
 * Reading is read; running, stopping and answering work is execute; defining is admin.
 */
export const ACTION_SCOPES: ReadonlyMap<string, Scope> = new Map<string, Scope>(
  Object.entries({
    DescribeStateMachine: 'read',
    DescribeStateMachineForExecution: 'read',
    ListStateMachines: 'read',
    ValidateStateMachineDefinition: 'read',
    DescribeStateMachineAlias: 'read',
    ListStateMachineAliases: 'read',
    ListStateMachineVersions: 'read',
    DescribeExecution: 'read',
    GetExecutionHistory: 'read',
    ListExecutions: 'read',
    DescribeActivity: 'read',
    ListActivities: 'read',
    ListTagsForResource: 'read',
    DescribeMapRun: 'read',
    ListMapRuns: 'read',
    StartExecution: 'execute',
    StartSyncExecution: 'execute',
    StopExecution: 'execute',
    RedriveExecution: 'execute',
    UpdateMapRun: 'execute',
    TestState: 'execute',
    SendTaskSuccess: 'execute',
    SendTaskFailure: 'execute',
    SendTaskHeartbeat: 'execute',
    GetActivityTask: 'execute',
  } satisfies Record<string, Scope>),
);

/** How long an "authentication is on" answer is trusted before asking the database again. */
const AUTH_ON_TTL_MS = 2_000;

/** The Step Functions protocol's one route: `POST /`. Nowhere else does `X-Amz-Target` mean anything. */
export function isSfnProtocolRoute(method: string, route: string | undefined): boolean {
  return method === 'POST' && route === '/';
}

/**
 * What a request needs, decided by its route: on the Step Functions protocol route by the
 * `X-Amz-Target` action (ACTION_SCOPES; unknown or missing: admin), on every other route by
 * ROUTE_ACCESS — a header never changes what a REST route needs. A route not in the table
 * (and a path no route matches) needs read for GET/HEAD and admin otherwise.
 */
export function requiredAccess(method: string, route: string | undefined, target: string | undefined): Access {
  if (isSfnProtocolRoute(method, route)) {
    const action = /^AWSStepFunctions\.(\w+)$/.exec(target ?? '')?.[1] ?? '';
    return ACTION_SCOPES.get(action) ?? 'admin';
  }
  const verb = method === 'HEAD' ? 'GET' : method;
  if (route !== undefined) {
    const key = `${verb} ${route}`;
    if (Object.hasOwn(ROUTE_ACCESS, key)) return ROUTE_ACCESS[key];
    if (verb === 'GET' && DOCS_ROUTE.test(route)) return 'public';
  }
  return verb === 'GET' ? 'read' : 'admin';
}

/** A SigV4 request between its claims check (onRequest) and its signature check (preParsing). */
interface PendingSignature {
  header: SigV4Header;
  key: ApiKeyRow;
  secret: string;
  verified: boolean;
}

/** Per-request authentication state. */
const kPending = Symbol('stepflow.auth.pendingSignature');
const kKeyId = Symbol('stepflow.auth.keyId');
type AuthRequest = FastifyRequest & { [kPending]?: PendingSignature; [kKeyId]?: string };

/** The id of the key that authenticated the request (undefined when the API ran open). */
export function authenticatedKeyId(request: FastifyRequest): string | undefined {
  return (request as AuthRequest)[kKeyId];
}

/** What the protocol answers for a key id it does not know (as Step Functions words it). */
const UNRECOGNIZED_TOKEN = 'The security token included in the request is invalid.';

const lacksScope = (keyId: string, access: Scope) =>
  `The API key '${keyId}' lacks the '${access}' scope this request needs`;

/** Answers 401/403 in the REST shape or the Step Functions protocol's (`__type`, `x-amzn-errortype`). */
function refuse(reply: FastifyReply, sfn: boolean, status: 401 | 403, type: string, message: string): FastifyReply {
  if (sfn) {
    return reply
      .status(status)
      .header('x-amzn-errortype', type)
      .header('content-type', 'application/x-amz-json-1.0')
      .send(JSON.stringify({ __type: type, message }));
  }
  return reply.status(status).send({ code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message });
}

/** The request's whole body, at most `limit` bytes (undefined past it), read from the payload stream. */
function readBody(payload: Readable, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | undefined, err?: Error) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (err) reject(err);
      else resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) {
        payload.pause();
        done(undefined);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = (err: Error) => done(undefined, err);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}

/**
 * API keys with scopes. Authentication is on from the first key created (or `STEPFLOW_ADMIN_KEY`)
 * until an operator runs `stepflow auth disable`; revoking every key leaves it on (nothing
 * passes). While it is off the API is open — only on a loopback address: an API listening
 * elsewhere refuses every request then.
 *
 * REST takes `Authorization: Bearer <id>.<secret>`. The Step Functions protocol takes AWS
 * Signature V4 made with the key id and secret — the AWS SDK's normal signing — verified over
 * the body bytes received, before they are parsed (a Bearer key is accepted there too, for
 * scripts and the CLI). A key needs the scope of what it calls: read, execute or admin.
 */
export function installAuth(app: FastifyInstance, deps: ServiceDeps): void {
  let onUntil = 0;
  const loopback = isLoopback(deps.config.HOST);
  const enforced = async (): Promise<boolean> => {
    if (!loopback || Date.now() < onUntil) return true;
    // Only the "on" answer is cached: the first key created is enforced from the next request.
    if (await authRequired(deps.pool)) {
      onUntil = Date.now() + AUTH_ON_TTL_MS;
      return true;
    }
    return false;
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    const sfn = isSfnProtocolRoute(request.method, route);
    const target = sfn ? (request.headers['x-amz-target'] as string | undefined) : undefined;
    const access = requiredAccess(request.method, route, target);
    if (access === 'public' || !(await enforced())) return;
    const authorization = request.headers.authorization;
    // REST answers by status (UNAUTHORIZED, FORBIDDEN); the protocol names the `__type`.
    const deny = (type: string, message: string, status: 401 | 403 = 401) => refuse(reply, sfn, status, type, message);

    if (sfn && isSigV4(authorization)) {
      const header = parseSigV4(authorization);
      if (!header)
        return deny(
          'IncompleteSignatureException',
          'The AWS Signature Version 4 Authorization header is incomplete or malformed',
        );
      const problem = checkSigV4Claims(header, request.headers);
      if (problem) return deny('InvalidSignatureException', `The request signature is invalid: ${problem}`);
      const key = await activeApiKey(deps.pool, header.accessKeyId);
      if (!key) return deny('UnrecognizedClientException', UNRECOGNIZED_TOKEN);
      const master = masterKeyOf(deps.config);
      const secret = key.secretSealed ? unsealSecret(master, key.id, key.secretSealed) : undefined;
      if (secret === undefined) {
        request.log.error(
          { apiKey: key.id, masterKey: master.id },
          'api key secret cannot be unsealed with this master key',
        );
        return deny(
          'InvalidSignatureException',
          "The request signature cannot be verified for this key; use Bearer or a key created with this server's master key",
        );
      }
      (request as AuthRequest)[kPending] = { header, key, secret, verified: false };
      return;
    }

    const bearer = /^Bearer\s+([^.\s]+)\.(\S+)$/.exec(authorization ?? '');
    if (!bearer)
      return deny(
        'MissingAuthenticationTokenException',
        sfn
          ? 'Request is missing a valid AWS Signature Version 4 Authorization header (or Bearer <key id>.<secret>)'
          : 'An API key is required: Authorization: Bearer <key id>.<secret>',
      );
    const key = await activeApiKey(deps.pool, bearer[1]);
    if (!key || !secretMatches(key.secretHash, bearer[2]))
      return deny('UnrecognizedClientException', sfn ? UNRECOGNIZED_TOKEN : 'The API key is invalid or revoked');
    if (!key.scopes.includes(access)) return deny('AccessDeniedException', lacksScope(key.id, access), 403);
    (request as AuthRequest)[kKeyId] = key.id;
    request.log = request.log.child({ apiKey: key.id });
  });

  // The signature covers the body: check it over the bytes received, before anything parses them.
  app.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const pending = (request as AuthRequest)[kPending];
    if (!pending) return payload;
    const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
    const length = Number(request.headers['content-length']);
    const body = length > limit ? undefined : await readBody(payload, limit);
    if (!body) {
      reply.header('connection', 'close');
      throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    }
    const query = Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? ''));
    const problem = await verifySigV4Signature(
      { method: request.method, path: request.url.split('?')[0], query, headers: request.headers, body },
      pending.header,
      pending.secret,
    );
    if (problem) {
      const message = `The request signature we calculated does not match the signature you provided: ${problem}`;
      return refuse(reply, true, 401, 'InvalidSignatureException', message);
    }
    const access = requiredAccess(
      request.method,
      request.routeOptions.url,
      request.headers['x-amz-target'] as string | undefined,
    ) as Scope;
    if (!pending.key.scopes.includes(access))
      return refuse(reply, true, 403, 'AccessDeniedException', lacksScope(pending.key.id, access));
    pending.verified = true;
    (request as AuthRequest)[kKeyId] = pending.key.id;
    request.log = request.log.child({ apiKey: pending.key.id });
    const replay = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = body.length;
    return replay;
  });

  // Nothing SigV4-signed reaches a handler unverified, whatever the route's parsing did.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const pending = (request as AuthRequest)[kPending];
    if (pending && !pending.verified)
      return refuse(reply, true, 401, 'InvalidSignatureException', 'The request signature was not verified');
  });
}

/**
 * For long responses (streams): true while the request may still be served — its key is still
 * active, or, when it was served without a key, authentication is still off.
 */
export async function stillAuthorized(deps: ServiceDeps, request: FastifyRequest): Promise<boolean> {
  const keyId = authenticatedKeyId(request);
  if (keyId) return (await activeApiKey(deps.pool, keyId)) !== undefined;
  return isLoopback(deps.config.HOST) && !(await authRequired(deps.pool));
}
