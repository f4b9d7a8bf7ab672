import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../service/deps';
import { testState } from '../../service/test-state';
import { checkDefinitionSize } from '../json-limits';

const InspectionLevelSchema = z.enum(['INFO', 'DEBUG', 'TRACE']);

/** `POST /v1/test-state`: TestState with JSON values where the Step Functions protocol sends JSON text. */
const TestStateBodySchema = z.object({
  /** One state, or a machine with `stateName`; as an object or as ASL text. */
  definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  stateName: z.string().min(1).max(80).optional(),
  roleArn: z.string().min(1).max(256).optional(),
  input: z.unknown().optional(),
  inspectionLevel: InspectionLevelSchema.optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  mock: z
    .object({
      result: z.unknown().optional(),
      errorOutput: z
        .object({ error: z.string().max(256).optional(), cause: z.string().max(32768).optional() })
        .optional(),
      fieldValidationMode: z.enum(['STRICT', 'PRESENT', 'NONE']).optional(),
    })
    .optional(),
  stateConfiguration: z
    .object({
      retrierRetryCount: z.number().int().min(0).optional(),
      errorCausedByState: z.string().optional(),
      mapIterationFailureCount: z.number().int().min(0).optional(),
      mapItemReaderData: z.unknown().optional(),
    })
    .optional(),
});

const TestStateResponseSchema = z.object({
  status: z.enum(['SUCCEEDED', 'FAILED', 'RETRIABLE', 'CAUGHT_ERROR']),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  nextState: z.string().optional(),
  inspectionData: z.record(z.string(), z.unknown()).optional(),
});

/** `POST /v1/test-state`: runs one state in isolation (see testState). */
export const testStateRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/test-state',
    { schema: { body: TestStateBodySchema, response: { 200: TestStateResponseSchema } } },
    async (request) => {
      const { definition, ...rest } = request.body;
      checkDefinitionSize(definition);
      const { inspectionData, ...result } = await testState(deps, {
        ...rest,
        definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      });
      return { ...result, ...(inspectionData ? { inspectionData: { ...inspectionData } } : {}) };
    },
  );
};
