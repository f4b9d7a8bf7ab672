import { apiApp, type ApiApp } from '../support/api-app';

let api: ApiApp;
beforeAll(async () => {
  api = await apiApp('unsupported_resources');
});
afterAll(async () => api.close());

const HOW =
  'bind it in the file named by STEPFLOW_BINDINGS (README "Resources") to a FUNCTIONS_DIR function, an HTTP endpoint or a Temporal activity type';

const definition = {
  StartAt: 'Glue',
  States: {
    Glue: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Next: 'Query' },
    Query: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:athena:startQueryExecution', Next: 'Send' },
    Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true },
  },
};
const warnings = [
  {
    severity: 'WARNING',
    code: 'UNSUPPORTED_RESOURCE',
    location: '/States/Glue/Resource',
    message:
      'The resource \'arn:aws:states:::glue:startJobRun.sync\' is not supported by this Stepflow version (README "Resources" lists what runs and how to bind a resource)',
  },
  {
    severity: 'WARNING',
    code: 'UNSUPPORTED_RESOURCE',
    location: '/States/Query/Resource',
    message: `The resource 'arn:aws:states:::aws-sdk:athena:startQueryExecution' cannot run: no AWS SDK client for 'athena' is installed; ${HOW}`,
  },
];

describe('resources this deployment cannot run: WARNING diagnostics, the definition still accepted', () => {
  test('ValidateStateMachineDefinition answers OK with a WARNING per unbound Resource', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ValidateStateMachineDefinition',
      },
      payload: JSON.stringify({ definition: JSON.stringify(definition) }),
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ result: 'OK', diagnostics: warnings, truncated: false });
  });

  test('POST /v1/state-machines creates it and lists the same diagnostics', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/state-machines',
      payload: { name: 'unbound-resources', definition },
    });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body).diagnostics).toEqual(warnings);
  });
});
