import { z } from 'zod';
import type { ServiceDeps } from '../../service/deps';
import { testState, type Inspection, type TestStateResult } from '../../service/test-state';
import { DomainError } from '../../service/errors';
import { SfnError } from './errors';
import { checkDefinitionText, parseRequest } from './request';

/** Step Functions' limit on a payload string (`input`, `variables`, `context`, `mock.result`): 256 KiB. */
const MAX_PAYLOAD_CHARS = 262144;

const TestStateSchema = z.object({
  definition: z.string().min(1),
  roleArn: z.string().min(1).max(256).optional(),
  input: z.string().max(MAX_PAYLOAD_CHARS).optional(),
  inspectionLevel: z.enum(['INFO', 'DEBUG', 'TRACE']).optional(),
  revealSecrets: z.boolean().optional(),
  variables: z.string().max(MAX_PAYLOAD_CHARS).optional(),
  stateName: z.string().min(1).max(80).optional(),
  mock: z
    .object({
      result: z.string().max(MAX_PAYLOAD_CHARS).optional(),
      errorOutput: z
        .object({ error: z.string().max(256).optional(), cause: z.string().max(32768).optional() })
        .optional(),
      fieldValidationMode: z.enum(['STRICT', 'PRESENT', 'NONE']).optional(),
    })
    .optional(),
  context: z.string().max(MAX_PAYLOAD_CHARS).optional(),
  stateConfiguration: z
    .object({
      retrierRetryCount: z.number().int().min(0).optional(),
      errorCausedByState: z.string().optional(),
      mapIterationFailureCount: z.number().int().min(0).optional(),
      mapItemReaderData: z.string().max(MAX_PAYLOAD_CHARS).optional(),
    })
    .optional(),
});

/** Parses one JSON-text member; a bad one fails with `error(reason)`. */
function parsed(text: string | undefined, error: (reason: string) => Error): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw error(err instanceof Error ? err.message : String(err));
  }
}

const invalid = (message: string) => () => new SfnError('ValidationException', message);

/** Inspection members that carry JSON (sent as text); the rest are numbers or objects. */
const JSON_MEMBERS = new Set([
  'input',
  'afterArguments',
  'afterInputPath',
  'afterParameters',
  'result',
  'afterResultSelector',
  'afterResultPath',
  'variables',
  'afterItemsPath',
  'afterItemSelector',
]);

/** The inspection data as the protocol sends it: JSON members as text. */
function inspectionText(inspection: Inspection): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inspection).map(([key, value]) => [
      key,
      JSON_MEMBERS.has(key) ? JSON.stringify(value ?? null) : value,
    ]),
  );
}

/** TestState's answer as the protocol sends it (`output` as JSON text). */
function responseOf(result: TestStateResult): Record<string, unknown> {
  const { output, inspectionData, ...rest } = result;
  return {
    ...(output === undefined ? {} : { output: JSON.stringify(output) }),
    ...rest,
    ...(inspectionData ? { inspectionData: inspectionText(inspectionData) } : {}),
  };
}

/** `TestState`: runs one state in isolation (see testState). */
export const testStateActions = {
  async TestState(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(TestStateSchema, body);
    checkDefinitionText(request.definition);
    const variables = parsed(request.variables, invalid('Variables must be a valid JSON object'));
    if (variables !== undefined && (typeof variables !== 'object' || variables === null || Array.isArray(variables))) {
      throw new SfnError('ValidationException', 'Variables must be a valid JSON object');
    }
    const mock = request.mock && {
      result: parsed(request.mock.result, invalid('Mocked result must be valid JSON')),
      errorOutput: request.mock.errorOutput,
      fieldValidationMode: request.mock.fieldValidationMode,
    };
    const result = await testState(deps, {
      definition: request.definition,
      stateName: request.stateName,
      roleArn: request.roleArn,
      input: parsed(
        request.input,
        (reason) => new DomainError('INVALID_EXECUTION_INPUT', `Invalid State Machine Execution Input: '${reason}'`),
      ),
      inspectionLevel: request.inspectionLevel,
      variables: variables as Record<string, unknown> | undefined,
      context: parsed(
        request.context,
        (reason) => new SfnError('ValidationException', `Invalid Context object provided: ${reason}`),
      ),
      mock,
      stateConfiguration: request.stateConfiguration && {
        ...request.stateConfiguration,
        mapItemReaderData: parsed(
          request.stateConfiguration.mapItemReaderData,
          invalid('mapItemReaderData must be valid JSON'),
        ),
      },
    });
    return responseOf(result);
  },
};
