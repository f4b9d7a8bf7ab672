import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getActivityTask, sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '../../service/callbacks';
import type { ServiceDeps } from '../../service/deps';

const Token = z.string().min(1).max(2048);
const Ok = z.object({ ok: z.literal(true) });

/**
 * `/v1/task-tokens/{success,failure,heartbeat}` (the callbacks of `.waitForTaskToken` and
 * activity tasks) and `POST /v1/activities/{name}/poll` (an activity worker's long poll).
 */
export const callbackRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/task-tokens/success',
    { schema: { body: z.object({ taskToken: Token, output: z.unknown() }), response: { 200: Ok } } },
    async (request) => {
      await sendTaskSuccess(deps, request.body.taskToken, JSON.stringify(request.body.output ?? null));
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/task-tokens/failure',
    {
      schema: {
        body: z.object({
          taskToken: Token,
          error: z.string().max(256).optional(),
          cause: z.string().max(32768).optional(),
        }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      await sendTaskFailure(deps, request.body.taskToken, request.body.error, request.body.cause);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/task-tokens/heartbeat',
    { schema: { body: z.object({ taskToken: Token }), response: { 200: Ok } } },
    async (request) => {
      await sendTaskHeartbeat(deps, request.body.taskToken);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/activities/:name/poll',
    {
      schema: {
        params: z.object({ name: z.string() }),
        body: z
          .object({
            workerName: z.string().max(80).optional(),
            waitSeconds: z.number().int().min(0).max(60).optional(),
          })
          .optional(),
        response: { 200: z.object({ taskToken: z.string().optional(), input: z.unknown().optional() }) },
      },
    },
    async (request) => {
      const task = await getActivityTask(
        deps,
        request.params.name,
        request.body?.workerName,
        (request.body?.waitSeconds ?? 60) * 1000,
      );
      return task.taskToken ? { taskToken: task.taskToken, input: JSON.parse(task.input as string) } : {};
    },
  );
};
