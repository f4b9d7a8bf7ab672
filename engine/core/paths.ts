import { StatesError, StatesErrors } from './errors';
import {
  evaluateAll,
  evaluateDefinite,
  JsonPathSyntaxError,
  NoMatchError,
  normalizedPath,
  parseJsonPath,
  type ParsedPath,
} from './jsonpath';
import { copyObject } from './object-copy';
import { countParse, parseOnce } from './parse-once';

/** The ASL default of "ResultPath": replace the whole input with the result. */
export const DEFAULT_RESULT_PATH = '$';

/** Raised by readPath when a path selects nothing; callers choose the ASL error name. */
export class PathNotFoundError extends Error {
  constructor(
    /** The path as written in the definition. */
    readonly path: string,
    /** Jayway's reason, e.g. "No results for path: $['x']". */
    readonly reason: string = defaultReason(path),
  ) {
    super(describeMissingPath(path, reason));
    this.name = 'PathNotFoundError';
  }
}

/** Parsed paths by text (see parse-once.ts). */
const PARSED_PATHS = new Map<string, ParsedPath>();

/**
 * The parsed form of a JSONPath, parsed once; throws JsonPathSyntaxError. A path with a regular
 * expression filter (`=~`) is parsed on every use: its RegExp may keep state (`lastIndex`).
 */
export function parsedPath(path: string): ParsedPath {
  if (typeof path === 'string' && !path.includes('=~')) {
    return parseOnce(PARSED_PATHS, 'jsonPath', path, parseJsonPath);
  }
  countParse('jsonPath');
  return parseJsonPath(path);
}

function defaultReason(path: string): string {
  try {
    return `No results for path: ${normalizedPath(parsedPath(path).segments)}`;
  } catch {
    return `No results for path: ${path}`;
  }
}

/**
 * AWS's cause text for an "InputPath"/"OutputPath"/"ItemsPath" that selects nothing, e.g.
 * "Invalid path '$.x' : No results for path: $['x']" (recorded on AWS). The interpreter prefixes
 * "An error occurred while executing the state '<name>' (entered at the event id #<n>). ".
 */
export function describeMissingPath(path: string, reason: string = defaultReason(path)): string {
  return `Invalid path '${path}' : ${reason}`;
}

function tryParse(path: string): ParsedPath | undefined {
  if (typeof path !== 'string') return undefined;
  try {
    return parsedPath(path);
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) return undefined;
    throw err;
  }
}

/**
 * True when `path` is a syntactically valid JSONPath rooted at `$` (state data) or `$$` (the
 * context object), as "InputPath", "OutputPath" and "ItemsPath" accept: wildcards, filters,
 * slices, unions and `..` are allowed.
 */
export function isValidPath(path: string): boolean {
  const parsed = tryParse(path);
  return parsed !== undefined && (parsed.root.kind === 'data' || parsed.root.kind === 'context');
}

function isReference(parsed: ParsedPath | undefined): parsed is ParsedPath {
  return (
    parsed !== undefined &&
    parsed.definite &&
    parsed.segments.every((s) => s.type === 'name' || (s.type === 'index' && s.indices[0] >= 0))
  );
}

/**
 * True when `path` is an ASL "Reference Path": it identifies a single node, using only `$`/`$$`,
 * `.field`, `['field']` and non-negative `[index]` — no `*`, `..`, filters, slices or unions.
 */
export function isValidReferencePath(path: string): boolean {
  const parsed = tryParse(path);
  return isReference(parsed) && (parsed.root.kind === 'data' || parsed.root.kind === 'context');
}

/** True when `path` may be a "ResultPath": a Reference Path into the state data (no `$$`). */
export function isValidResultPath(path: string): boolean {
  const parsed = tryParse(path);
  return isReference(parsed) && parsed.root.kind === 'data';
}

/**
 * Evaluates a JSONPath as Step Functions (Jayway) does: a definite path returns its single value,
 * an indefinite one (wildcard, filter, slice, union, `..`) an array of its matches (possibly empty).
 * `$$...` reads `context`; `$name...` reads `variables`. Throws PathNotFoundError when a definite
 * path selects nothing, and JsonPathSyntaxError when `path` does not parse.
 */
export function readPath(path: string, data: unknown, context: unknown, variables?: Record<string, unknown>): unknown {
  const parsed = parsedPath(path);
  const roots = { data, context, variables };
  if (!parsed.definite) return evaluateAll(parsed, roots);
  try {
    return evaluateDefinite(parsed, roots);
  } catch (err) {
    if (err instanceof NoMatchError) throw new PathNotFoundError(path, err.reason);
    throw err;
  }
}

/** readPath, with a miss reported as AWS reports it for "InputPath"/"OutputPath"/"ItemsPath": `States.Runtime`. */
export function readPathOrRuntimeError(
  path: string,
  data: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  try {
    return readPath(path, data, context, variables);
  } catch (err) {
    if (err instanceof PathNotFoundError) throw new StatesError(StatesErrors.Runtime, err.message);
    throw err;
  }
}

/**
 * Applies "InputPath": absent → the input unchanged; `null` → `{}`; otherwise the selected value
 * (`$name…` reads a workflow variable).
 * A miss is `States.Runtime` ("Invalid path '$.x' : No results for path: $['x']").
 */
export function applyInputPath(
  path: string | null | undefined,
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  if (path === undefined) return input;
  if (path === null) return {};
  return readPathOrRuntimeError(path, input, context, variables);
}

/** Applies "OutputPath", with the same rules as "InputPath". */
export function applyOutputPath(
  path: string | null | undefined,
  output: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  return applyInputPath(path, output, context, variables);
}

function resultPathFailure(path: string, input: unknown, detail: string): StatesError {
  return new StatesError(
    StatesErrors.ResultPathMatchFailure,
    `Unable to apply ResultPath '${path}' to input '${JSON.stringify(input)}': ${detail}`,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies "ResultPath" to the raw state input: absent or `$` → the result; `null` → the input
 * unchanged (result discarded); otherwise a copy of the input with the result set at the
 * Reference Path, creating objects for missing fields. Only the objects along the path are
 * copied: the rest is shared with the input, which no one changes. Fails with
 * `States.ResultPathMatchFailure` when the path runs through a value that is not an object (or
 * an array index out of range).
 */
export function applyResultPath(path: string | null | undefined, input: unknown, result: unknown): unknown {
  if (path === undefined || path === DEFAULT_RESULT_PATH) return result;
  if (path === null) return input;
  const parsed = tryParse(path);
  if (!isReference(parsed) || parsed.root.kind !== 'data') {
    throw resultPathFailure(path, input, 'not a valid Reference Path');
  }
  const { segments } = parsed;
  const output = shallowCopy(input);
  let node: unknown = output;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const leaf = i === segments.length - 1;
    const where = (): string => normalizedPath(segments.slice(0, i));
    if (segment.type === 'name') {
      const name = segment.names[0]!;
      if (!isObject(node)) throw resultPathFailure(path, input, `the value at ${where()} is not an object`);
      if (leaf) node[name] = result;
      else {
        // A field holding `undefined` is missing in JSON.
        const child = node[name];
        node = node[name] = child === undefined ? {} : shallowCopy(child);
      }
    } else if (segment.type === 'index') {
      const index = segment.indices[0]!;
      if (!Array.isArray(node)) throw resultPathFailure(path, input, `the value at ${where()} is not an array`);
      if (index >= node.length) throw resultPathFailure(path, input, `index ${index} is out of range at ${where()}`);
      if (leaf) node[index] = result;
      else node = node[index] = shallowCopy(node[index]);
    }
  }
  return output;
}

/** A copy of an object or array one level deep; other values as they are. */
function shallowCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  return isObject(value) ? copyObject(value) : value;
}
