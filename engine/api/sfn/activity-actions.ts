import { z } from 'zod';
import { createActivity, deleteActivity, describeActivity, listActivities } from '../../service/activities';
import { decodeCursor } from '../../service/cursor';
import type { ServiceDeps } from '../../service/deps';
import { activityArn, activityNameOf, epochSeconds } from './arn';
import { SfnError } from './errors';
import { nextTokenOf, PAGE_MEMBERS, pageSize, parseRequest } from './request';
import { checkName, TagListSchema } from './state-machine-actions';

/** `ActivityDoesNotExist` naming the ARN. */
function activityNotFound(arn: string): SfnError {
  return new SfnError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
}

/** The Step Functions actions on activities (`arn:aws:states:<region>:<account>:activity:<name>`). */
export const activityActions = {
  async CreateActivity(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        name: z.string(),
        tags: TagListSchema.optional(),
        encryptionConfiguration: z.object({ type: z.string() }).optional(),
      }),
      body,
    );
    checkName(request.name);
    const { activity } = await createActivity(deps, request.name, request.tags);
    return { activityArn: activityArn(activity.name), creationDate: epochSeconds(activity.createdAt) };
  },

  async DescribeActivity(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ activityArn: z.string() }), body);
    const name = activityNameOf(request.activityArn, activityNotFound);
    const activity = await describeActivity(deps, name, request.activityArn);
    return {
      activityArn: activityArn(activity.name),
      name: activity.name,
      creationDate: epochSeconds(activity.createdAt),
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    };
  },

  async ListActivities(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object(PAGE_MEMBERS), body);
    const after = decodeCursor(request.nextToken, z.string());
    const { activities, next } = await listActivities(deps, pageSize(request.maxResults), after);
    return {
      activities: activities.map((activity) => ({
        activityArn: activityArn(activity.name),
        name: activity.name,
        creationDate: epochSeconds(activity.createdAt),
      })),
      ...nextTokenOf(next),
    };
  },

  async DeleteActivity(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ activityArn: z.string() }), body);
    const name = activityNameOf(request.activityArn, activityNotFound);
    await deleteActivity(deps, name);
    return {};
  },
};
