import type { InjectOptions } from 'fastify';
import { createApiKey, masterKeyOf } from '../../engine/service/api-keys';
import { activityActions } from '../../engine/api/sfn/activity-actions';
import { aliasActions } from '../../engine/api/sfn/alias-actions';
import { callbackActions } from '../../engine/api/sfn/callback-actions';
import { executionActions } from '../../engine/api/sfn/execution-actions';
import { stateMachineActions } from '../../engine/api/sfn/state-machine-actions';
import { tagActions } from '../../engine/api/sfn/tag-actions';
import { testStateActions } from '../../engine/api/sfn/test-state-action';
import { versionActions } from '../../engine/api/sfn/version-actions';
import { mapRunActions } from '../../engine/api/sfn/map-run-actions';
import { revokeApiKey, type Scope } from '../../engine/db/api-keys-repo';
import { authApp, outcome, sigv4Headers, testConfig, throwawayDatabase, type AuthApp } from './support/auth-harness';

type Access = Scope | 'public';

/**
 * What every route is meant to need. Deliberately written out: a route the app registers that
 * is not here fails this test, and so does an entry no route matches. HEAD follows GET.
 */
const ROUTES: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
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
  // Triggers (engine/api/routes/triggers.ts): configuring is admin, reading is read; a webhook
  // delivery is authenticated by its HMAC signature instead of a key.
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
  'POST /v1/hooks/:id': 'public',
  'POST /v1/queue-triggers': 'admin',
  'GET /v1/queue-triggers': 'read',
  'GET /v1/queue-triggers/:name': 'read',
  'DELETE /v1/queue-triggers/:name': 'admin',
  'POST /v1/activities/:name/poll': 'execute',
  // Connections hold credentials: only admin defines or even lists them (as engine/api/auth.ts).
  'POST /v1/connections': 'admin',
  'GET /v1/connections': 'admin',
  'GET /v1/connections/:name': 'admin',
  'DELETE /v1/connections/:name': 'admin',
  'POST /v1/test-state': 'execute',
  'POST /v1/notification-targets': 'admin',
  'GET /v1/notification-targets': 'read',
  'GET /v1/notification-targets/:name': 'read',
  'PATCH /v1/notification-targets/:name': 'admin',
  'POST /v1/notification-targets/:name/rotate-secret': 'admin',
  'DELETE /v1/notification-targets/:name': 'admin',
  'GET /ui': 'public',
  'GET /ui/*': 'public',
};
/** The Step Functions protocol route: its scope comes from the action (ACTIONS). */
const PROTOCOL_ROUTE = 'POST /';

/** What every Step Functions action is meant to need; every action the protocol serves must be here. */
const ACTIONS: Record<string, Scope> = {
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
  CreateStateMachine: 'admin',
  UpdateStateMachine: 'admin',
  DeleteStateMachine: 'admin',
  CreateStateMachineAlias: 'admin',
  UpdateStateMachineAlias: 'admin',
  DeleteStateMachineAlias: 'admin',
  PublishStateMachineVersion: 'admin',
  DeleteStateMachineVersion: 'admin',
  CreateActivity: 'admin',
  DeleteActivity: 'admin',
  TagResource: 'admin',
  UntagResource: 'admin',
};
/** The actions the protocol serves (plugin.ts spreads exactly these modules). */
const SERVED_ACTIONS = Object.keys({
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

/** `X-Amz-Target` values sent to REST routes, where they must change nothing. */
const TARGETS = [
  undefined,
  'AWSStepFunctions.ListExecutions',
  'AWSStepFunctions.StartExecution',
  'AWSStepFunctions.CreateStateMachine',
];

interface Key {
  id: string;
  secret: string;
}
type Credential =
  | { kind: 'none' }
  | { kind: 'bearer'; label: string; key: Key; scopes: Scope[] }
  | { kind: 'bearer-refused'; label: string; authorization: string; unknownKey: boolean }
  | { kind: 'sigv4'; label: string; key: Key; scopes: Scope[] }
  | { kind: 'sigv4-refused'; label: string; accessKeyId: string; secret: string; type: string };

function label(credential: Credential): string {
  return credential.kind === 'none' ? 'no credentials' : `${credential.kind} ${credential.label}`;
}

/** Concrete values for a route's parameters. */
function urlOf(route: string): string {
  return route
    .replace(':name', 'machine')
    .replace(':executionId', 'machine:run')
    .replace(':version', '1')
    .replace(':alias', 'live')
    .replace('*', 'swagger-ui.css');
}

describe('authentication of every route', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let api: AuthApp;
  let credentials: Credential[];

  beforeAll(async () => {
    db = await throwawayDatabase('auth_routes');
    const config = testConfig(db.url);
    const master = masterKeyOf(config);
    const make = async (name: string, scopes: Scope[]): Promise<Key> => {
      const { row, secret } = await createApiKey(db.pool, master, { name, scopes });
      return { id: row.id, secret };
    };
    const read = await make('read', ['read']);
    const execute = await make('execute', ['execute']);
    const admin = await make('admin', ['admin']);
    const all = await make('all', ['read', 'execute', 'admin']);
    const revoked = await make('revoked', ['read', 'execute', 'admin']);
    await revokeApiKey(db.pool, revoked.id);
    credentials = [
      { kind: 'none' },
      { kind: 'bearer', label: 'read', key: read, scopes: ['read'] },
      { kind: 'bearer', label: 'execute', key: execute, scopes: ['execute'] },
      { kind: 'bearer', label: 'admin', key: admin, scopes: ['admin'] },
      { kind: 'bearer', label: 'all', key: all, scopes: ['read', 'execute', 'admin'] },
      {
        kind: 'bearer-refused',
        label: 'revoked',
        authorization: `Bearer ${revoked.id}.${revoked.secret}`,
        unknownKey: true,
      },
      {
        kind: 'bearer-refused',
        label: 'wrong secret',
        authorization: `Bearer ${all.id}.${all.secret}x`,
        unknownKey: true,
      },
      {
        kind: 'bearer-refused',
        label: 'unknown key',
        authorization: `Bearer SFKNOSUCHKEY.${all.secret}`,
        unknownKey: true,
      },
      { kind: 'bearer-refused', label: 'malformed', authorization: `Bearer ${all.id}`, unknownKey: false },
      { kind: 'sigv4', label: 'read', key: read, scopes: ['read'] },
      { kind: 'sigv4', label: 'execute', key: execute, scopes: ['execute'] },
      { kind: 'sigv4', label: 'admin', key: admin, scopes: ['admin'] },
      { kind: 'sigv4', label: 'all', key: all, scopes: ['read', 'execute', 'admin'] },
      {
        kind: 'sigv4-refused',
        label: 'revoked',
        accessKeyId: revoked.id,
        secret: revoked.secret,
        type: 'UnrecognizedClientException',
      },
      {
        kind: 'sigv4-refused',
        label: 'wrong secret',
        accessKeyId: all.id,
        secret: `${all.secret}x`,
        type: 'InvalidSignatureException',
      },
      {
        kind: 'sigv4-refused',
        label: 'unknown key',
        accessKeyId: 'SFKNOSUCHKEY',
        secret: all.secret,
        type: 'UnrecognizedClientException',
      },
    ];
    api = await authApp(db.pool, config);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  /** The request a credential makes (SigV4 signed by AWS's signer over exactly these bytes). */
  async function request(
    method: string,
    url: string,
    credential: Credential,
    target: string | undefined,
    body: string | undefined,
  ): Promise<InjectOptions> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = url === '/' ? 'application/x-amz-json-1.0' : 'application/json';
    if (target !== undefined) headers['x-amz-target'] = target;
    if (credential.kind === 'bearer') headers.authorization = `Bearer ${credential.key.id}.${credential.key.secret}`;
    if (credential.kind === 'bearer-refused') headers.authorization = credential.authorization;
    if (credential.kind === 'sigv4' || credential.kind === 'sigv4-refused') {
      const signer =
        credential.kind === 'sigv4'
          ? { accessKeyId: credential.key.id, secretAccessKey: credential.key.secret }
          : { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secret };
      Object.assign(headers, await sigv4Headers(signer, target, body ?? ''));
    }
    return {
      method: method as InjectOptions['method'],
      url,
      headers,
      ...(body !== undefined ? { payload: body } : {}),
    };
  }

  test('every route has a deliberate scope, and every listed route exists', () => {
    const registered = new Set(api.routes.map((route) => route.replace(/^HEAD /, 'GET ')));
    expect([...registered].filter((route) => route !== PROTOCOL_ROUTE).sort()).toEqual(Object.keys(ROUTES).sort());
    expect(registered.has(PROTOCOL_ROUTE)).toBe(true);
  });

  test('every Step Functions action has a deliberate scope', () => {
    expect([...SERVED_ACTIONS].sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  test('REST routes: the route decides, whatever X-Amz-Target says, and only Bearer keys pass', async () => {
    const expected: string[] = [];
    const actual: string[] = [];
    for (const route of api.routes.filter((r) => r !== PROTOCOL_ROUTE)) {
      const [method, pattern] = route.split(' ');
      const access = ROUTES[`${method === 'HEAD' ? 'GET' : method} ${pattern}`];
      const body = method === 'POST' || method === 'PUT' ? '{}' : undefined;
      for (const credential of credentials) {
        for (const target of TARGETS) {
          const response = await api.app.inject(await request(method, urlOf(pattern), credential, target, body));
          const head = method === 'HEAD';
          let want: string;
          if (access === 'public') want = 'reached';
          else if (credential.kind === 'bearer')
            want = credential.scopes.includes(access) ? 'reached' : head ? '403' : '403 FORBIDDEN';
          else want = head ? '401' : '401 UNAUTHORIZED';
          const what = `${route} with ${label(credential)}, X-Amz-Target ${target ?? '(none)'}`;
          expected.push(`${what}: ${want}`);
          actual.push(`${what}: ${outcome(response)}`);
        }
      }
    }
    expect(actual.length).toBe(
      api.routes.filter((r) => r !== PROTOCOL_ROUTE).length * credentials.length * TARGETS.length,
    );
    expect(actual).toEqual(expected);
  });

  test('the Step Functions protocol: the action decides, with Bearer or SigV4', async () => {
    const targets = [
      ...Object.keys(ACTIONS).map((action) => `AWSStepFunctions.${action}`),
      'AWSStepFunctions.NoSuchAction',
      'AWSStepFunctions.__proto__',
      'AWSStepFunctions.constructor',
      'ListExecutions',
      undefined,
    ];
    const expected: string[] = [];
    const actual: string[] = [];
    for (const target of targets) {
      const action = /^AWSStepFunctions\.(\w+)$/.exec(target ?? '')?.[1];
      const scope: Scope = action !== undefined && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : 'admin';
      for (const credential of credentials) {
        const response = await api.app.inject(await request('POST', '/', credential, target, '{}'));
        let want: string;
        if (credential.kind === 'none') want = '401 MissingAuthenticationTokenException';
        // A signature must sign X-Amz-Target: without one there is nothing it could have signed.
        else if (target === undefined && (credential.kind === 'sigv4' || credential.kind === 'sigv4-refused'))
          want = '401 InvalidSignatureException';
        else if (credential.kind === 'bearer' || credential.kind === 'sigv4')
          want = credential.scopes.includes(scope) ? 'reached' : '403 AccessDeniedException';
        else if (credential.kind === 'bearer-refused')
          want = credential.unknownKey ? '401 UnrecognizedClientException' : '401 MissingAuthenticationTokenException';
        else want = `401 ${credential.type}`;
        const what = `${target ?? '(no target)'} with ${label(credential)}`;
        expected.push(`${what}: ${want}`);
        actual.push(`${what}: ${outcome(response)}`);
      }
    }
    expect(actual).toEqual(expected);
  });

  test('a path no route matches needs a key too: read for GET, admin otherwise', async () => {
    const read = credentials.find((c) => c.kind === 'bearer' && c.label === 'read') as Credential & { kind: 'bearer' };
    const authorization = `Bearer ${read.key.id}.${read.key.secret}`;
    expect(outcome(await api.app.inject({ method: 'GET', url: '/v1/nothing-here' }))).toBe('401 UNAUTHORIZED');
    expect(outcome(await api.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { authorization } }))).toBe(
      'reached',
    );
    expect(outcome(await api.app.inject({ method: 'POST', url: '/v1/nothing-here', headers: { authorization } }))).toBe(
      '403 FORBIDDEN',
    );
    expect(
      outcome(await api.app.inject({ method: 'PATCH', url: '/v1/state-machines', headers: { authorization } })),
    ).toBe('403 FORBIDDEN');
  });
});
