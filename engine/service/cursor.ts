import type { z } from 'zod';
import { DomainError } from './errors';

/** What every list refuses a cursor it did not hand out with. */
export const INVALID_CURSOR_MESSAGE = 'The cursor is not one this API returned';

/** An opaque page cursor (REST `next`, Step Functions `nextToken`): where the previous page ended, as base64url JSON. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Reads a cursor holding a position of `schema`'s shape (undefined when there is none); anything
 * else is `INVALID_CURSOR`, which each protocol words as its own.
 */
export function decodeCursor<T extends z.ZodTypeAny>(cursor: string | undefined, schema: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('INVALID_CURSOR', INVALID_CURSOR_MESSAGE);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError('INVALID_CURSOR', INVALID_CURSOR_MESSAGE);
  return parsed.data;
}
