import {
  normalizedPath,
  type CompareOp,
  type FilterExpr,
  type Operand,
  type ParsedPath,
  type PathRoot,
  type PathSegment,
} from './parse';

/** Roots a path is evaluated against. */
export interface PathRoots {
  data: unknown;
  context: unknown;
  variables?: Record<string, unknown>;
}

/** Raised while evaluating a definite path that selects nothing; `reason` is Jayway's text. */
export class NoMatchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NoMatchError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** Jayway's Java class names for a JSON value, used in its "not a json object" text. */
function javaTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'net.minidev.json.JSONArray';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Integer' : 'java.lang.Double';
  return 'net.minidev.json.JSONObject';
}

function rootValue(root: PathRoot, roots: PathRoots, current: unknown): unknown {
  if (root.kind === 'data') return roots.data;
  if (root.kind === 'context') return roots.context;
  if (root.kind === 'current') return current;
  const variables = roots.variables ?? {};
  if (!hasOwn(variables, root.name)) throw new NoMatchError(`No results for variable: $${root.name}`);
  return variables[root.name];
}

/**
 * Evaluates a definite path: returns its single value or throws NoMatchError with Jayway's reason
 * ("No results for path: $['x']", "Missing property in path $['a']", ...).
 */
export function evaluateDefinite(path: ParsedPath, roots: PathRoots, current?: unknown): unknown {
  let value = rootValue(path.root, roots, current);
  const { segments } = path;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const leaf = i === segments.length - 1;
    if (segment.type === 'name') {
      const name = segment.names[0];
      if (!isObject(value)) {
        throw new NoMatchError(
          `Expected to find an object with property ['${name}'] in path ${normalizedPath(segments.slice(0, i))} but found '${javaTypeName(value)}'. ` +
            `This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.`,
        );
      }
      if (!hasOwn(value, name)) {
        throw new NoMatchError(
          leaf
            ? `No results for path: ${normalizedPath(segments)}`
            : `Missing property in path ${normalizedPath(segments.slice(0, i + 1))}`,
        );
      }
      value = value[name];
    } else if (segment.type === 'index') {
      const index = segment.indices[0];
      const length = Array.isArray(value) ? value.length : 0;
      const effective = index < 0 ? length + index : index;
      if (!Array.isArray(value) || effective < 0 || effective >= length) {
        throw new NoMatchError(`No results for path: ${normalizedPath(path.segments)}`);
      }
      value = value[effective];
    }
  }
  return value;
}

/** Evaluates an indefinite path: every match in document order (Jayway skips missing fields). */
export function evaluateAll(path: ParsedPath, roots: PathRoots, current?: unknown): unknown[] {
  let nodes = [rootValue(path.root, roots, current)];
  for (const segment of path.segments) {
    nodes = nodes.flatMap((node) => applySegment(segment, node, roots));
  }
  return nodes;
}

function applySegment(segment: PathSegment, node: unknown, roots: PathRoots): unknown[] {
  switch (segment.type) {
    case 'name':
      return isObject(node) ? segment.names.filter((n) => hasOwn(node, n)).map((n) => node[n]) : [];
    case 'index': {
      if (!Array.isArray(node)) return [];
      return segment.indices
        .map((i) => (i < 0 ? node.length + i : i))
        .filter((i) => i >= 0 && i < node.length)
        .map((i) => node[i]);
    }
    case 'wildcard':
      return Array.isArray(node) ? [...node] : isObject(node) ? Object.values(node) : [];
    case 'slice': {
      if (!Array.isArray(node)) return [];
      const len = node.length;
      const clamp = (v: number) => Math.min(len, Math.max(0, v < 0 ? len + v : v));
      const start = clamp(segment.start ?? 0);
      const end = clamp(segment.end ?? len);
      const out: unknown[] = [];
      for (let i = start; i < end; i += segment.step ?? 1) out.push(node[i]);
      return out;
    }
    case 'filter': {
      // Jayway applies a filter to each element of an array, and to an object itself.
      const candidates = Array.isArray(node) ? node : isObject(node) ? [node] : [];
      return candidates.filter((item) => testFilter(segment.expr, item, roots));
    }
    case 'descendant':
      return descendantsAndSelf(node).flatMap((n) => applySegment(segment.inner, n, roots));
  }
}

function descendantsAndSelf(node: unknown): unknown[] {
  const out: unknown[] = [node];
  const children = Array.isArray(node) ? node : isObject(node) ? Object.values(node) : [];
  for (const child of children) {
    if (typeof child === 'object' && child !== null) out.push(...descendantsAndSelf(child));
  }
  return out;
}

const MISSING = Symbol('missing');

function operandValue(operand: Operand, item: unknown, roots: PathRoots): unknown {
  if (operand.kind === 'literal') return operand.value;
  if (operand.kind === 'regex') return operand.regex;
  if (!operand.path.definite) return evaluateAll(operand.path, roots, item);
  try {
    return evaluateDefinite(operand.path, roots, item);
  } catch (err) {
    if (err instanceof NoMatchError) return MISSING;
    throw err;
  }
}

function testFilter(expr: FilterExpr, item: unknown, roots: PathRoots): boolean {
  switch (expr.op) {
    case 'or':
      return testFilter(expr.left, item, roots) || testFilter(expr.right, item, roots);
    case 'and':
      return testFilter(expr.left, item, roots) && testFilter(expr.right, item, roots);
    case 'not':
      return !testFilter(expr.expr, item, roots);
    case 'exists': {
      const { operand } = expr;
      const value = operandValue(operand, item, roots);
      if (operand.kind === 'path' && !operand.path.definite) return (value as unknown[]).length > 0;
      return value !== MISSING;
    }
    case 'compare':
      return compare(expr.compare, operandValue(expr.left, item, roots), operandValue(expr.right, item, roots));
  }
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  if (left === MISSING || right === MISSING) return op === '!=' && left !== right;
  if (op === '=~') return typeof left === 'string' && right instanceof RegExp && right.test(left);
  if (op === '==') return jsonEquals(left, right);
  if (op === '!=') return !jsonEquals(left, right);
  const comparable =
    (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const [a, b] = [left as number | string, right as number | string];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

/** Deep structural equality of two JSON values (object key order ignored). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEquals(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && jsonEquals(a[k], b[k]));
  }
  return false;
}
