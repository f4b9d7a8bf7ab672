import { DomainError } from './errors';
import { findActivity } from '../db/activities-repo';
import { withTransaction } from '../db/pool';
import { findVersion } from '../db/state-machines-repo';
import { deleteTags, listTags, putTags, type Tag, type TaggedResourceType } from '../db/tags-repo';
import type { ServiceDeps } from './deps';

/** Step Functions' limit on tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

/** A taggable resource: a state machine (not a version or alias) or an activity. */
export interface TaggedResource {
  type: TaggedResourceType;
  name: string;
}

/** `TOO_MANY_TAGS` when `existing` merged with `added` holds more than 50 keys. */
export function checkTagLimit(added: Tag[], existing: Tag[], resourceName: string): void {
  const keys = new Set([...existing.map((tag) => tag.key), ...added.map((tag) => tag.key)]);
  if (keys.size > MAX_TAGS_PER_RESOURCE) {
    throw new DomainError(
      'TOO_MANY_TAGS',
      `You've exceeded the number of tags allowed for a resource (${MAX_TAGS_PER_RESOURCE}): '${resourceName}'`,
    );
  }
}

/** `RESOURCE_NOT_FOUND` unless the resource exists (`label` names it in the message). */
async function ensureExists(deps: ServiceDeps, resource: TaggedResource, label: string): Promise<void> {
  const exists =
    resource.type === 'stateMachine'
      ? await findVersion(deps.pool, resource.name)
      : await findActivity(deps.pool, resource.name);
  if (!exists) throw new DomainError('RESOURCE_NOT_FOUND', `Resource not found: '${label}'`);
}

/** TagResource: adds or overwrites tags, at most 50 per resource. */
export async function tagResource(
  deps: ServiceDeps,
  resource: TaggedResource,
  tags: Tag[],
  label: string,
): Promise<void> {
  await ensureExists(deps, resource, label);
  await withTransaction(deps.pool, async (client) => {
    // Lock the resource's tag set so concurrent TagResource calls respect the limit together.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tags:${resource.type}:${resource.name}`]);
    checkTagLimit(tags, await listTags(client, resource.type, resource.name), label);
    await putTags(client, resource.type, resource.name, tags);
  });
}

/** UntagResource: removes tags by key; absent keys are ignored. */
export async function untagResource(
  deps: ServiceDeps,
  resource: TaggedResource,
  keys: string[],
  label: string,
): Promise<void> {
  await ensureExists(deps, resource, label);
  await deleteTags(deps.pool, resource.type, resource.name, keys);
}

/** ListTagsForResource. */
export async function listResourceTags(deps: ServiceDeps, resource: TaggedResource, label: string): Promise<Tag[]> {
  await ensureExists(deps, resource, label);
  return listTags(deps.pool, resource.type, resource.name);
}
