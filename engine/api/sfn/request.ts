import { z } from 'zod';
import { definitionBytes, MAX_DEFINITION_BYTES } from '../json-limits';
import { encodeCursor } from '../../service/cursor';
import { SfnError } from './errors';

/** `maxResults` default and maximum in Step Functions list actions (0 means the default). */
export const DEFAULT_PAGE_SIZE = 100;

/** The paging members of a list action's request: `maxResults` (0–1000) and the `nextToken` a previous page answered. */
export const PAGE_MEMBERS = {
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().optional(),
};

/** A list answer's `nextToken`: the cursor of where the page ended, absent on the last page. */
export function nextTokenOf(next: unknown): { nextToken?: string } {
  return next === undefined ? {} : { nextToken: encodeCursor(next) };
}

/** The member path as AWS names it: list items are `<list>.<1-based index>.member`. */
function memberPath(path: PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `${part + 1}.member` : String(part))).join('.') || 'request';
}

/** The value at `path` in the request body (for the message). */
function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let value = body;
  for (const part of path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  return value;
}

/** AWS's words for a value that fails a constraint of the service model. */
function constraintOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big') {
    const what = issue.origin === 'number' || issue.origin === 'int' ? 'value' : 'length';
    return `Member must have ${what} less than or equal to ${issue.maximum}`;
  }
  if (issue.code === 'too_small') {
    const what = issue.origin === 'number' || issue.origin === 'int' ? 'value' : 'length';
    return `Member must have ${what} greater than or equal to ${issue.minimum}`;
  }
  if (issue.code === 'invalid_value') return `Member must satisfy enum value set: [${issue.values.join(', ')}]`;
  if (issue.code === 'invalid_format' && typeof issue.pattern === 'string') {
    return `Member must satisfy regular expression pattern: ${issue.pattern.replace(/^\/(.*)\/[a-z]*$/, '$1')}`;
  }
  return `Member must be valid: ${issue.message}`;
}

/** Shows a value as AWS does in validation messages. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Parses a request body; a bad one is `ValidationException` worded as AWS words it:
 * `1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: …`.
 */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const request = body ?? {};
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const details = issues.map((issue) => {
    const member = memberPath(issue.path);
    const value = valueAt(request, issue.path);
    if (value === undefined || value === null)
      return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
    if (issue.code === 'invalid_type')
      return `Value '${shown(value)}' at '${member}' failed to satisfy constraint: Member must be of type ${issue.expected}`;
    return `Value '${shown(value)}' at '${member}' failed to satisfy constraint: ${constraintOf(issue)}`;
  });
  throw new SfnError(
    'ValidationException',
    `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${details.join('; ')}`,
  );
}

/** Page size from `maxResults`. */
export function pageSize(maxResults: number | undefined): number {
  return maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
}

/**
 * A `definition` member over 1 MiB (UTF-8 bytes, Step Functions' limit): `ValidationException`
 * worded as the service model's length constraint. The value is not echoed (it is sensitive in
 * the model, and large).
 */
export function checkDefinitionText(definition: string | undefined): void {
  if (definition === undefined || definitionBytes(definition) <= MAX_DEFINITION_BYTES) return;
  throw new SfnError(
    'ValidationException',
    `1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DEFINITION_BYTES}`,
  );
}
