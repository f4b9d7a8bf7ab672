import { z } from 'zod';
import { getActivityTask, sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '../../service/callbacks';
import type { ServiceDeps } from '../../service/deps';
import { activityNameOf } from './arn';
import { SfnError } from './errors';
import { parseRequest } from './request';

const TokenSchema = z.string().min(1).max(2048);

/** The Step Functions callback actions: task tokens (`.waitForTaskToken`) and activity workers. */
export const callbackActions = {
  async SendTaskSuccess(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ taskToken: TokenSchema, output: z.string() }), body);
    await sendTaskSuccess(deps, request.taskToken, request.output);
    return {};
  },

  async SendTaskFailure(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        taskToken: TokenSchema,
        error: z.string().max(256).optional(),
        cause: z.string().max(32768).optional(),
      }),
      body,
    );
    await sendTaskFailure(deps, request.taskToken, request.error, request.cause);
    return {};
  },

  async SendTaskHeartbeat(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ taskToken: TokenSchema }), body);
    await sendTaskHeartbeat(deps, request.taskToken);
    return {};
  },

  async GetActivityTask(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({ activityArn: z.string(), workerName: z.string().max(80).optional() }),
      body,
    );
    const name = activityNameOf(
      request.activityArn,
      (arn) => new SfnError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`),
    );
    return getActivityTask(deps, name, request.workerName);
  },
};
