import type { z } from 'zod';
import { SfnError } from './errors';

/** `maxResults` default and maximum in Step Functions list actions (0 means the default). */
export const DEFAULT_PAGE_SIZE = 100;

/** Parses a request body; a bad one is `ValidationException` naming the member, as AWS words it. */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const details = issues.map((issue) => {
    const member = issue.path.join('.') || 'request';
    const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    return missing
      ? `Value null at '${member}' failed to satisfy constraint: Member must not be null`
      : `Value at '${member}' failed to satisfy constraint: ${issue.message}`;
  });
  throw new SfnError('ValidationException', `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${details.join('; ')}`);
}

/** Page size from `maxResults`. */
export function pageSize(maxResults: number | undefined): number {
  return maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
}

/** An opaque pagination token. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Reads a pagination token; a bad one is `InvalidToken`. */
export function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new SfnError('InvalidToken', `Invalid Token: '${token}'`);
  }
}
