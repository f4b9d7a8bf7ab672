import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../engine/api/server';
import { activityActions } from '../engine/api/sfn/activity-actions';
import { aliasActions } from '../engine/api/sfn/alias-actions';
import { callbackActions } from '../engine/api/sfn/callback-actions';
import { executionActions } from '../engine/api/sfn/execution-actions';
import { stateMachineActions } from '../engine/api/sfn/state-machine-actions';
import { tagActions } from '../engine/api/sfn/tag-actions';
import { testStateActions } from '../engine/api/sfn/test-state-action';
import { mapRunActions } from '../engine/api/sfn/map-run-actions';
import { versionActions } from '../engine/api/sfn/version-actions';
import { createMetrics } from '../engine/metrics';
import {
  payloadOf,
  restCaseArb,
  sfnActions,
  sfnCaseArb,
  type ApiCase,
  type RestRoute,
  type World,
} from './api-requests';
import { signatureOf, type CaseResult, type Target } from './campaign';
import { ROOT, type FuzzStack } from './stack';

/** How long one request may take: past it the request is a hang (long polls wait up to 60 s). */
const REQUEST_TIMEOUT_MS = 90_000;
/** Routes not worth fuzzing: the documentation UI's static files. */
const SKIPPED_ROUTES = /^\/docs/;

/** Builds the API in this process on the stack's database and Temporal, and records every route it registers. */
export async function buildFuzzApi(stack: FuzzStack): Promise<{ app: FastifyInstance; routes: RestRoute[] }> {
  const app = buildApi(
    { pool: stack.pool, temporal: stack.temporal, config: stack.config, log: stack.log },
    createMetrics('api'),
  );
  const routes: RestRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || SKIPPED_ROUTES.test(route.url)) continue;
      routes.push({ method, url: route.url, schema: route.schema as RestRoute['schema'] });
    }
  });
  await app.ready();
  return { app, routes };
}

async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.statusCode >= 400)
    throw new Error(`setup ${method} ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json() as Record<string, unknown>;
}

/**
 * Creates what requests should find: state machines (one EXPRESS), published versions, an alias,
 * an activity, and executions that have ended (succeeded and failed) on the worker.
 */
export async function buildWorld(app: FastifyInstance): Promise<World> {
  const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
  const machines: Record<string, { type: string; definition: unknown }> = {
    'fz-pass': { type: 'STANDARD', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
    'fz-echo': {
      type: 'STANDARD',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambda('echo'), End: true } } },
    },
    'fz-boom': {
      type: 'STANDARD',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambda('boom'), End: true } } },
    },
    'fz-express': { type: 'EXPRESS', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } },
  };
  for (const [name, { type, definition }] of Object.entries(machines))
    await call(app, 'POST', '/v1/state-machines', { name, type, definition });
  await call(app, 'POST', '/v1/state-machines/fz-pass/versions', { description: 'v1' });
  await call(app, 'POST', '/v1/state-machines', {
    name: 'fz-pass',
    definition: { StartAt: 'Q', States: { Q: { Type: 'Pass', Result: 2, End: true } } },
  });
  await call(app, 'POST', '/v1/state-machines/fz-pass/versions', { description: 'v2' });
  await call(app, 'PUT', '/v1/state-machines/fz-pass/aliases/live', { routes: [{ version: 1, weight: 100 }] });
  await call(app, 'POST', '/v1/activities', { name: 'fz-act' });
  const executions: Record<string, unknown>[] = [];
  for (const name of ['fz-pass', 'fz-pass', 'fz-echo', 'fz-boom']) {
    executions.push(await call(app, 'POST', `/v1/state-machines/${name}/executions`, { input: { a: 1 } }));
  }
  const deadline = Date.now() + 120_000;
  for (const execution of executions) {
    for (;;) {
      const row = await call(app, 'GET', `/v1/executions/${encodeURIComponent(String(execution.executionId))}`);
      if (row.status !== 'RUNNING') break;
      if (Date.now() > deadline)
        throw new Error(`setup execution ${String(execution.executionId)} did not end: is the worker running?`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const prefix = 'arn:aws:states:us-east-1:000000000000';
  return {
    machines: Object.keys(machines),
    activities: ['fz-act'],
    executionIds: executions.map((e) => String(e.executionId)),
    executionArns: executions.map((e) => String(e.executionArn)),
    machineArns: Object.keys(machines).map((name) => `${prefix}:stateMachine:${name}`),
    versionArns: [`${prefix}:stateMachine:fz-pass:1`, `${prefix}:stateMachine:fz-pass:2`],
    aliasArns: [`${prefix}:stateMachine:fz-pass:live`],
    activityArns: [`${prefix}:activity:fz-act`],
    aliases: ['live'],
    taskTokens: [],
  };
}

/** Every action Stepflow serves on the protocol (to check the model covers them). */
export function stepflowActions(): string[] {
  return Object.keys({
    ...mapRunActions,
    ...stateMachineActions,
    ...versionActions,
    ...aliasActions,
    ...executionActions,
    ...activityActions,
    ...tagActions,
    ...callbackActions,
    ...testStateActions,
  });
}

/** Text in a response that must never be there: the token secret, a stack trace, the deployment's paths. */
function leakIn(body: string, stack: FuzzStack): string | undefined {
  if (body.includes(stack.tokenSecret)) return 'the task-token secret';
  if (body.includes(ROOT)) return 'an absolute path of the deployment';
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(body) || /\\n\s+at .+\(.+:\d+:\d+\)/.test(body)) return 'a stack trace';
  return undefined;
}

/**
 * API requests through `inject()` on the real app: every REST route (from Fastify's route table,
 * bodies and queries from the routes' zod schemas) and every action of the Step Functions
 * service model, each with hostile mutations. A case fails on a 5xx, a request that never
 * answers, an inject that throws, or a response leaking secrets, stacks or paths.
 */
export function apiTarget(app: FastifyInstance, routes: RestRoute[], world: World, stack: FuzzStack): Target<ApiCase> {
  const rest = routes.map((route) => restCaseArb(route, world));
  const sfn = sfnActions().map(({ action, input }) => sfnCaseArb(action, input, world));
  const arbitrary = fc.oneof(...rest, ...sfn);
  return {
    name: 'api',
    arbitrary,
    concurrency: 16,
    shrink: true,
    show: (testCase) => {
      const payload = payloadOf(testCase);
      const shown = payload && payload.length > 600 ? `${payload.slice(0, 600)}… (${payload.length} chars)` : payload;
      const text = `${testCase.method} ${testCase.url} headers=${JSON.stringify(testCase.headers)}${shown !== undefined ? ` body=${shown}` : ''}`;
      // Control characters are escaped so the report stays text.
      return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    },
    async run(testCase): Promise<CaseResult> {
      const tags = [`route ${testCase.route}`];
      let timer: NodeJS.Timeout | undefined;
      try {
        const response = await Promise.race([
          app.inject({
            method: testCase.method as 'GET',
            url: testCase.url,
            headers: testCase.headers,
            payload: payloadOf(testCase),
          }),
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), REQUEST_TIMEOUT_MS))),
        ]);
        if (response === 'timeout') {
          return {
            tags,
            failure: {
              signature: `hang: ${testCase.route}`,
              detail: `${testCase.route}: no response within ${REQUEST_TIMEOUT_MS} ms`,
            },
          };
        }
        const status = response.statusCode;
        tags.push(`status ${status}`);
        const requestId = String(response.headers['x-request-id'] ?? '');
        const logged = stack.errors.get(requestId);
        stack.errors.delete(requestId);
        if (status >= 500) {
          const reason = logged?.err?.message ?? response.body.slice(0, 200);
          // One bug is one signature whichever route reached it: the error and the engine frame that threw it.
          const frame =
            (logged?.err?.stack ?? '')
              .split('\n')
              .find((line) => line.includes('/engine/'))
              ?.trim()
              .replace(/:\d+:\d+\)?$/, '')
              .replace(/\(.*\/dist\//, '(') ?? '';
          return {
            tags,
            failure: {
              signature: signatureOf(`${status}`, `${logged?.err?.type ?? ''}: ${reason} ${frame}`),
              detail: `${testCase.route} → ${status} ${response.body.slice(0, 300)}${logged ? ` — logged: ${logged.msg}: ${logged.err?.type ?? ''} ${logged.err?.message ?? ''}` : ''}`,
              stack: logged?.err?.stack,
            },
          };
        }
        const leak = leakIn(response.body, stack);
        if (leak)
          return {
            tags,
            failure: {
              signature: `leak of ${leak} in a response`,
              detail: `${testCase.route} → ${status} ${response.body.slice(0, 500)}`,
            },
          };
        return { tags };
      } catch (err) {
        const error = err as Error;
        return {
          tags,
          failure: {
            signature: signatureOf('inject threw', error.message),
            detail: `${testCase.route}: ${error.message}`,
            stack: error.stack,
          },
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
