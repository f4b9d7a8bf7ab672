import { ApiError } from './errors';

/**
 * Limits on the JSON the API accepts, checked on the raw text before anything parses or walks it:
 * a deeply nested document (thousands of `[`) makes recursive code (schema checks, serialisers,
 * the definition validator) overflow the stack, which would answer 500 instead of 400.
 */

/** Deepest nesting of arrays and objects accepted in a request body or a JSON text inside one. */
export const MAX_JSON_DEPTH = 512;

/** Largest definition, as the UTF-8 bytes of its JSON text (Step Functions' limit: 1 MiB). */
export const MAX_DEFINITION_BYTES = 1_048_576;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * True when `text` nests arrays/objects deeper than `max`. One linear pass that skips string
 * contents (escapes included); it does not validate the JSON, it only bounds its depth, so it
 * may run before `JSON.parse`.
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/**
 * Where in a parsed body a string holds too deeply nested JSON text (the Step Functions protocol
 * carries `input`, `output`, `definition`, `mock.result` … as JSON inside strings): the member's
 * dotted path, or undefined. Walks the body without recursion.
 */
export function deepStringMember(body: unknown, max: number = MAX_JSON_DEPTH): string | undefined {
  const pending: Array<[unknown, string]> = [[body, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (nestsDeeperThan(value, max)) return path;
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) pending.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}

/** The size that counts against MAX_DEFINITION_BYTES: the UTF-8 bytes of the definition's JSON text. */
export function definitionBytes(definition: string | object): number {
  return Buffer.byteLength(typeof definition === 'string' ? definition : JSON.stringify(definition), 'utf8');
}

/**
 * REST: a definition over MAX_DEFINITION_BYTES is INVALID_DEFINITION (400) with one
 * `SCHEMA_VALIDATION_FAILED` problem at the document root (a value out of range, in AWS's catalogue).
 */
export function checkDefinitionSize(definition: string | object): void {
  const bytes = definitionBytes(definition);
  if (bytes <= MAX_DEFINITION_BYTES) return;
  const message = `The definition is ${bytes} bytes of JSON; the limit is ${MAX_DEFINITION_BYTES} (1 MiB)`;
  throw new ApiError('INVALID_DEFINITION', message, [{ code: 'SCHEMA_VALIDATION_FAILED', path: '', message }]);
}
