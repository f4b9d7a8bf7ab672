import { z } from 'zod';
import { ResourceNameSchema } from './common';

/** An activity: a named source of tasks for external workers. */
export const ActivityResponseSchema = z.object({ name: z.string(), activityArn: z.string(), createdAt: z.string() });

/** `POST /v1/activities`. */
export const CreateActivityRequestSchema = z.object({ name: ResourceNameSchema });

/** `GET /v1/activities`. */
export const ActivityListResponseSchema = z.object({
  activities: z.array(ActivityResponseSchema),
  next: z.string().optional(),
});

export const ActivityParamsSchema = z.object({ name: z.string() });
