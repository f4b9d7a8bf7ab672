import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { EventWriter } from '../../engine/db/events-repo';
import { substituteToken } from '../../engine/service/task-tokens';
import type { Logger } from '../../engine/logger';
import type { Metrics } from '../../engine/metrics';
import type { MasterKey } from '../../engine/service/key-secrets';
import type { AwsClients } from '../../engine/resources/aws/clients';
import { IntegrationFailure, invokeLambda, runIntegration } from '../../engine/resources/aws/integrations';
import { ConnectionUnavailable, openConnection, type OpenConnection } from '../../engine/resources/connections';
import { EgressRefused, type EgressPolicy } from '../../engine/resources/egress';
import { sendRequest, SocketFailure } from '../../engine/resources/http-client';
import {
  buildHttpTaskRequest,
  connectionArnOf,
  httpTaskResult,
  HttpTaskInvalid,
  oauthTokenRequest,
} from '../../engine/resources/http-task';
import { injectTraceHeaders } from '../../engine/telemetry/tracing';
import type { HistoryEvent } from '../../schemas/history';
import type { InvokeFunctionResult, InvokeResourceInput } from '../contracts';
import type { TokenSigner } from '../token-signer';
import { countTransitions } from '../transitions';

/** What the resource activity needs from the function host. */
export interface ResourceActivityDeps {
  pool: Pool;
  log: Logger;
  sign: TokenSigner;
  egress: EgressPolicy;
  /** The master key that opens connections' secrets (loaded on first use). */
  masterKey: () => MasterKey;
  aws: AwsClients;
  metrics?: Metrics;
}

/** AWS's hard limit on one HTTP Task request. */
const HTTP_TASK_TIMEOUT_MS = 60_000;
/** An HTTP function's timeout when neither the binding nor the Task sets one. */
const HTTP_FUNCTION_TIMEOUT_MS = 15 * 60_000;
const HEARTBEAT_INTERVAL_MS = 3_000;

/** A failure the Task sees as the ASL error `error` with `cause`. */
class TaskError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(causeText);
  }
}

function stamped(events: HistoryEvent[], startedEventId: number | undefined, at: number): HistoryEvent[] {
  if (startedEventId === undefined) return events;
  const timestamp = new Date(at).toISOString();
  return events.map((event) => (event.id === startedEventId ? { ...event, timestamp } : event));
}

function timeoutMs(seconds: number | undefined, fallback: number, cap = Infinity): number {
  return Math.min(seconds !== undefined ? seconds * 1000 : fallback, cap);
}

/** The function host's activity for bound resources: HTTP functions, the HTTP Task, AWS integrations, real Lambda. */
export function createResourceActivities(deps: ResourceActivityDeps) {
  // Invocations started together write their pending events together (see EventWriter).
  const events = new EventWriter(deps.pool);
  const tokens = new Map<string, { token: string; expiresAt: number }>();

  /** An OAuth client-credentials token for the connection (cached until shortly before it expires). */
  async function accessToken(connection: OpenConnection, signal: AbortSignal): Promise<string> {
    const cached = tokens.get(connection.arn);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const response = await sendRequest(oauthTokenRequest(connection), {
      policy: deps.egress,
      timeoutMs: 10_000,
      signal,
    });
    let body: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      body = JSON.parse(response.body) as typeof body;
    } catch {
      // handled below
    }
    if (response.status < 200 || response.status > 299 || typeof body.access_token !== 'string')
      throw new TaskError(
        'States.Http.Socket',
        `The OAuth authorization endpoint of connection '${connection.name}' answered ${response.status} without an access_token`,
      );
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    tokens.set(connection.arn, { token: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 });
    return body.access_token;
  }

  /** `arn:aws:states:::http:invoke`. */
  async function httpTask(input: InvokeResourceInput, payload: unknown, signal: AbortSignal): Promise<unknown> {
    const arn = connectionArnOf(payload);
    const connection = arn ? await openConnection(deps.pool, deps.masterKey(), arn) : undefined;
    const token =
      connection?.authorizationType === 'OAUTH_CLIENT_CREDENTIALS' ? await accessToken(connection, signal) : undefined;
    const built = buildHttpTaskRequest(payload, connection, token);
    const request = { ...built, headers: injectTraceHeaders({ ...built.headers }) };
    const response = await sendRequest(request, {
      policy: deps.egress,
      timeoutMs: timeoutMs(input.timeoutSeconds, HTTP_TASK_TIMEOUT_MS, HTTP_TASK_TIMEOUT_MS),
      signal,
    });
    const result = httpTaskResult(response);
    if (response.status < 200 || response.status > 299)
      throw new TaskError(`States.Http.StatusCode.${response.status}`, JSON.stringify(result));
    return result;
  }

  /** (b) A remote function: POST the event, the JSON answer is the result, `{errorType, errorMessage}` an error. */
  async function httpFunction(
    input: InvokeResourceInput,
    target: { url: string; headers?: Record<string, string>; timeoutSeconds?: number },
    payload: unknown,
    signal: AbortSignal,
  ): Promise<unknown> {
    const ms = timeoutMs(target.timeoutSeconds ?? input.timeoutSeconds, HTTP_FUNCTION_TIMEOUT_MS);
    let response;
    try {
      response = await sendRequest(
        {
          url: new URL(target.url),
          method: 'POST',
          // The function host's span goes along as `traceparent` (README "Traces").
          headers: injectTraceHeaders({
            ...target.headers,
            'content-type': 'application/json',
            'x-stepflow-execution-id': input.executionId,
            'x-stepflow-state': encodeURIComponent(input.stateName),
            'x-stepflow-function': input.functionName,
            'x-stepflow-idempotency-key': input.idempotencyKey,
          }),
          body: JSON.stringify(payload ?? null),
        },
        // Bindings are the operator's configuration: trusted, no egress guard.
        { timeoutMs: ms, signal },
      );
    } catch (err) {
      if (err instanceof SocketFailure && /timed out/.test(err.message)) throw new TaskError('States.Timeout', '');
      throw new TaskError(
        'Lambda.ServiceException',
        `The HTTP function at ${target.url} could not be reached: ${(err as Error).message}`,
      );
    }
    let body: unknown = null;
    try {
      body = response.body === '' ? null : JSON.parse(response.body);
    } catch {
      throw new TaskError(
        'Lambda.ServiceException',
        `The HTTP function at ${target.url} answered ${response.status} with a body that is not JSON`,
      );
    }
    const errorType = (body as { errorType?: unknown } | null)?.errorType;
    if (
      typeof errorType === 'string' &&
      errorType !== '' &&
      (response.status >= 400 || 'errorMessage' in (body as object))
    ) {
      const errorMessage = (body as { errorMessage?: unknown }).errorMessage;
      throw new TaskError(
        errorType,
        JSON.stringify({ errorType, errorMessage: typeof errorMessage === 'string' ? errorMessage : '' }),
      );
    }
    if (response.status < 200 || response.status > 299)
      throw new TaskError(
        'Lambda.ServiceException',
        JSON.stringify({
          errorType: 'Lambda.ServiceException',
          errorMessage: `The HTTP function answered ${response.status}`,
        }),
      );
    return body;
  }

  return {
    /**
     * Writes the pending history events (the Task's `…Started` stamped now), then runs the bound
     * resource. Heartbeats while it runs; a failure is a non-retryable ApplicationFailure typed
     * with the ASL error name. Secrets (connections) are opened here only and never logged.
     */
    async invokeResource(input: InvokeResourceInput): Promise<InvokeFunctionResult> {
      const ctx = Context.current();
      const log = deps.log.child({ executionId: input.executionId, state: input.stateName, resource: input.resource });
      const every = Math.max(100, Math.min(HEARTBEAT_INTERVAL_MS, (ctx.info.heartbeatTimeoutMs ?? Infinity) / 3));
      const beat = setInterval(() => ctx.heartbeat(), every);
      const startedAt = Date.now();
      try {
        await events.write(input.executionId, stamped(input.pendingEvents, input.startedEventId, startedAt));
        countTransitions(deps.metrics, input.pendingEvents, input.executionId);
        // `.waitForTaskToken`: the signed token goes wherever `$$.Task.Token` was placed.
        const payload = input.taskToken
          ? substituteToken(input.payload, input.taskToken, await deps.sign(input.executionId, input.taskToken))
          : input.payload;
        const signal = ctx.cancellationSignal;
        const target = input.implementation;
        let result: unknown;
        if (target.kind === 'http') result = await httpFunction(input, target, payload, signal);
        else if (target.kind === 'aws-lambda')
          result = await invokeLambda(deps.aws, target.functionName, payload, signal);
        else if (target.service === 'http') result = await httpTask(input, payload, signal);
        else result = await runIntegration(deps.aws, target.service, target.action, payload, signal);
        log.debug('resource succeeded');
        return { result: result ?? null, startedAt };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('invocation cancelled');
        const failure = asTaskError(err);
        if (failure) {
          log.info({ error: failure.error }, 'resource failed');
          throw ApplicationFailure.create({ type: failure.error, message: failure.causeText, nonRetryable: true });
        }
        log.error({ err }, 'resource activity failed');
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

function asTaskError(err: unknown): TaskError | undefined {
  if (err instanceof TaskError) return err;
  if (err instanceof IntegrationFailure) return new TaskError(err.error, err.causeText);
  if (err instanceof SocketFailure) return new TaskError('States.Http.Socket', err.message);
  if (err instanceof EgressRefused || err instanceof HttpTaskInvalid || err instanceof ConnectionUnavailable)
    return new TaskError('States.Runtime', err.message);
  return undefined;
}
