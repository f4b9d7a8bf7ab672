import { DomainError } from './errors';
import {
  deleteActivity as deleteActivityRow,
  findActivity,
  listActivities as listActivityRows,
  putActivity,
  type ActivityRow,
} from '../db/activities-repo';
import { withTransaction } from '../db/pool';
import { putTags, type Tag } from '../db/tags-repo';
import type { ServiceDeps } from './deps';
import { checkTagLimit } from './tags';

export type { ActivityRow };

/**
 * CreateActivity: idempotent by name — an existing activity is returned unchanged (different
 * tags are ignored, as Step Functions does); tags apply to a new one.
 */
export async function createActivity(
  deps: ServiceDeps,
  name: string,
  tags: Tag[] = [],
): Promise<{ activity: ActivityRow; created: boolean }> {
  checkTagLimit(tags, [], name);
  const { row, created } = await withTransaction(deps.pool, async (client) => {
    const result = await putActivity(client, name);
    if (result.created) await putTags(client, 'activity', name, tags);
    return result;
  });
  if (created) deps.log.info({ activity: name }, 'activity created');
  return { activity: row, created };
}

/** One activity; `ACTIVITY_NOT_FOUND` (message naming `label`) otherwise. */
export async function describeActivity(deps: ServiceDeps, name: string, label = name): Promise<ActivityRow> {
  const row = await findActivity(deps.pool, name);
  if (!row) throw new DomainError('ACTIVITY_NOT_FOUND', `Activity Does Not Exist: '${label}'`);
  return row;
}

/** Activities by name, a page of `limit` after `afterName`; `next` is the name to continue after. */
export async function listActivities(
  deps: ServiceDeps,
  limit: number,
  afterName?: string,
): Promise<{ activities: ActivityRow[]; next?: string }> {
  const rows = await listActivityRows(deps.pool, limit + 1, afterName);
  const page = rows.slice(0, limit);
  return { activities: page, ...(rows.length > limit ? { next: page[page.length - 1].name } : {}) };
}

/** DeleteActivity: removes it and its tags; deleting an absent activity succeeds (idempotent). */
export async function deleteActivity(deps: ServiceDeps, name: string): Promise<void> {
  const deleted = await withTransaction(deps.pool, (client) => deleteActivityRow(client, name));
  if (deleted) deps.log.info({ activity: name }, 'activity deleted');
}
