import type { Queryable } from './pool';

/** The kinds of resource that carry tags. */
export type TaggedResourceType = 'stateMachine' | 'activity';

/** One tag. */
export interface Tag {
  key: string;
  value: string;
}

/** A resource's tags in the order their keys were first set. */
export async function listTags(db: Queryable, type: TaggedResourceType, name: string): Promise<Tag[]> {
  const { rows } = await db.query(
    'SELECT key, value FROM resource_tags WHERE resource_type = $1 AND resource_name = $2 ORDER BY position',
    [type, name],
  );
  return rows;
}

/** Adds tags, overwriting the value of a key already set. Call inside a transaction with the limit check. */
export async function putTags(db: Queryable, type: TaggedResourceType, name: string, tags: Tag[]): Promise<void> {
  for (const tag of tags) {
    await db.query(
      `INSERT INTO resource_tags (resource_type, resource_name, key, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (resource_type, resource_name, key) DO UPDATE SET value = EXCLUDED.value`,
      [type, name, tag.key, tag.value],
    );
  }
}

/** Removes tags by key (absent keys are ignored). */
export async function deleteTags(db: Queryable, type: TaggedResourceType, name: string, keys: string[]): Promise<void> {
  await db.query(
    'DELETE FROM resource_tags WHERE resource_type = $1 AND resource_name = $2 AND key = ANY($3::text[])',
    [type, name, keys],
  );
}
