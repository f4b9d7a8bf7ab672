import { z } from 'zod';
import type { ServiceDeps } from '../../service/deps';
import { listResourceTags, tagResource, untagResource, type TaggedResource } from '../../service/tags';
import { resourceNotFound, taggableOf } from './arn';
import { parseRequest } from './request';
import { TagListSchema } from './state-machine-actions';

/** A taggable resource (a state machine or an activity); versions, aliases and the rest are `ResourceNotFound`. */
function resourceOf(arn: string): TaggedResource {
  const resource = taggableOf(arn);
  if (resource.type === 'other') throw resourceNotFound(arn);
  return resource;
}

/** The Step Functions tagging actions (state machines and activities, at most 50 tags each). */
export const tagActions = {
  async TagResource(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ resourceArn: z.string(), tags: TagListSchema }), body);
    await tagResource(deps, resourceOf(request.resourceArn), request.tags, request.resourceArn);
    return {};
  },

  async UntagResource(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({ resourceArn: z.string(), tagKeys: z.array(z.string().min(1).max(128)) }),
      body,
    );
    await untagResource(deps, resourceOf(request.resourceArn), request.tagKeys, request.resourceArn);
    return {};
  },

  async ListTagsForResource(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ resourceArn: z.string() }), body);
    return { tags: await listResourceTags(deps, resourceOf(request.resourceArn), request.resourceArn) };
  },
};
