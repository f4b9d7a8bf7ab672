/**
 * A small JSONPath parser and evaluator for the subset Step Functions accepts (Jayway semantics).
 *
 * Why not jsonpath-plus: its Node entry imports `vm` (rejected by the workflow bundler) and its
 * package `exports` map offers no vm-free build under the `require` condition that jest and the
 * compiled CommonJS use; it also evaluates filters with a JavaScript-like sandbox whose semantics
 * differ from Jayway's (the library AWS uses), and it cannot tell a definite path from an
 * indefinite one or produce Jayway's error texts. This evaluator is plain, deterministic JS.
 *
 * Supported: `$`, `$$` (context object), `$name` (workflow variable), `.name`, `['name']`,
 * `["name"]`, `['a','b']`, `[0]`, `[-1]`, `[0,2]`, `[*]`, `.*`, `..name`, `..*`, `..[...]`,
 * `[start:end:step]`, and filters `[?(...)]` with `@`/`$` paths, literals, `== != < <= > >= =~`,
 * `&&`, `||`, `!` and parentheses.
 */

/** A JSONPath that failed to parse; `message` names the position. */
export class JsonPathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathSyntaxError';
  }
}

/** One step of a parsed path. */
export type PathSegment =
  | { type: 'name'; names: string[] }
  | { type: 'index'; indices: number[] }
  | { type: 'wildcard' }
  | { type: 'slice'; start?: number; end?: number; step?: number }
  | { type: 'filter'; expr: FilterExpr }
  | { type: 'descendant'; inner: PathSegment };

/** Where a path starts: the state data (`$`), the context object (`$$`), a variable (`$name`) or the filter item (`@`). */
export type PathRoot = { kind: 'data' } | { kind: 'context' } | { kind: 'variable'; name: string } | { kind: 'current' };

/** A parsed JSONPath. `definite` is Jayway's notion: it can select at most one node. */
export interface ParsedPath {
  root: PathRoot;
  segments: PathSegment[];
  definite: boolean;
}

type Operand = { kind: 'literal'; value: unknown } | { kind: 'path'; path: ParsedPath } | { kind: 'regex'; regex: RegExp };
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';
/** A filter (`[?(...)]`) expression. */
export type FilterExpr =
  | { op: 'or' | 'and'; left: FilterExpr; right: FilterExpr }
  | { op: 'not'; expr: FilterExpr }
  | { op: 'compare'; compare: CompareOp; left: Operand; right: Operand }
  | { op: 'exists'; operand: Operand };

// Characters that end a dot-notation name; the rest of the name's characters are free.
const NAME_STOP = new Set([...'.[]()\'",=!<>&|?@* \t\r\n']);
const COMPARE_OPS: CompareOp[] = ['==', '!=', '<=', '>=', '=~', '<', '>'];

/** Parses a whole JSONPath; throws JsonPathSyntaxError. */
export function parseJsonPath(text: string): ParsedPath {
  const parser = new Parser(text, 0);
  const path = parser.path(false);
  if (parser.pos !== text.length) parser.fail('unexpected character');
  return path;
}

/** Parses a JSONPath starting at `start` and stopping where a path can no longer continue. */
export function parseJsonPathPrefix(text: string, start: number): { path: ParsedPath; end: number } {
  const parser = new Parser(text, start);
  const path = parser.path(false);
  return { path, end: parser.pos };
}

class Parser {
  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  fail(reason: string): never {
    throw new JsonPathSyntaxError(`${reason} at position ${this.pos} in path '${this.text}'`);
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  private skipSpaces(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  path(allowCurrent: boolean): ParsedPath {
    let root: PathRoot;
    if (allowCurrent && this.peek() === '@') {
      this.pos++;
      root = { kind: 'current' };
    } else {
      this.expect('$');
      if (this.peek() === '$') {
        this.pos++;
        root = { kind: 'context' };
      } else if (/[A-Za-z_]/.test(this.peek())) {
        const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos)) as RegExpExecArray;
        this.pos += match[0].length;
        root = { kind: 'variable', name: match[0] };
      } else {
        root = { kind: 'data' };
      }
    }
    const segments: PathSegment[] = [];
    for (;;) {
      if (this.peek() === '.' && this.peek(1) === '.') {
        this.pos += 2;
        segments.push({ type: 'descendant', inner: this.afterDot() });
      } else if (this.peek() === '.') {
        this.pos++;
        segments.push(this.afterDot());
      } else if (this.peek() === '[') {
        segments.push(this.bracket());
      } else {
        break;
      }
    }
    return { root, segments, definite: segments.every(isDefiniteSegment) };
  }

  private afterDot(): PathSegment {
    if (this.peek() === '*') {
      this.pos++;
      return { type: 'wildcard' };
    }
    if (this.peek() === '[') return this.bracket();
    const start = this.pos;
    while (this.pos < this.text.length && !NAME_STOP.has(this.peek())) this.pos++;
    if (this.pos === start) this.fail('expected a field name');
    return { type: 'name', names: [this.text.slice(start, this.pos)] };
  }

  private bracket(): PathSegment {
    this.expect('[');
    this.skipSpaces();
    let segment: PathSegment;
    if (this.peek() === '*') {
      this.pos++;
      segment = { type: 'wildcard' };
    } else if (this.peek() === '?') {
      this.pos++;
      this.skipSpaces();
      this.expect('(');
      const expr = this.orExpr();
      this.skipSpaces();
      this.expect(')');
      segment = { type: 'filter', expr };
    } else if (this.peek() === "'" || this.peek() === '"') {
      const names = [this.quoted()];
      for (this.skipSpaces(); this.peek() === ','; this.skipSpaces()) {
        this.pos++;
        this.skipSpaces();
        names.push(this.quoted());
      }
      segment = { type: 'name', names };
    } else {
      segment = this.indexOrSlice();
    }
    this.skipSpaces();
    this.expect(']');
    return segment;
  }

  private quoted(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted name');
    this.pos++;
    let out = '';
    while (this.peek() !== quote) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      if (this.peek() === '\\') this.pos++;
      out += this.peek();
      this.pos++;
    }
    this.pos++;
    return out;
  }

  private integer(): number | undefined {
    const match = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private indexOrSlice(): PathSegment {
    const first = this.integer();
    this.skipSpaces();
    if (this.peek() === ':') {
      this.pos++;
      this.skipSpaces();
      const end = this.integer();
      let step: number | undefined;
      this.skipSpaces();
      if (this.peek() === ':') {
        this.pos++;
        step = this.integer();
        if (step !== undefined && step <= 0) this.fail('slice step must be positive');
      }
      return { type: 'slice', start: first, end, step };
    }
    if (first === undefined) this.fail('expected an index, a quoted name, * or a filter');
    const indices = [first];
    for (this.skipSpaces(); this.peek() === ','; this.skipSpaces()) {
      this.pos++;
      this.skipSpaces();
      const next = this.integer();
      if (next === undefined) this.fail('expected an index');
      indices.push(next);
    }
    return { type: 'index', indices };
  }

  private orExpr(): FilterExpr {
    let left = this.andExpr();
    for (this.skipSpaces(); this.text.startsWith('||', this.pos); this.skipSpaces()) {
      this.pos += 2;
      left = { op: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterExpr {
    let left = this.unary();
    for (this.skipSpaces(); this.text.startsWith('&&', this.pos); this.skipSpaces()) {
      this.pos += 2;
      left = { op: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterExpr {
    this.skipSpaces();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      return { op: 'not', expr: this.unary() };
    }
    if (this.peek() === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.skipSpaces();
      this.expect(')');
      return inner;
    }
    const left = this.operand();
    this.skipSpaces();
    const compare = COMPARE_OPS.find((op) => this.text.startsWith(op, this.pos));
    if (!compare) {
      if (left.kind !== 'path') this.fail('expected a comparison operator');
      return { op: 'exists', operand: left };
    }
    this.pos += compare.length;
    this.skipSpaces();
    return { op: 'compare', compare, left, right: this.operand() };
  }

  private operand(): Operand {
    const char = this.peek();
    if (char === '@' || char === '$') return { kind: 'path', path: this.path(true) };
    if (char === "'" || char === '"') return { kind: 'literal', value: this.quoted() };
    if (char === '/') {
      const match = /^\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(this.text.slice(this.pos));
      if (!match) this.fail('unterminated regular expression');
      this.pos += match[0].length;
      try {
        return { kind: 'regex', regex: new RegExp(match[1], match[2]) };
      } catch {
        return this.fail('invalid regular expression');
      }
    }
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail('expected a value');
  }
}

function isDefiniteSegment(segment: PathSegment): boolean {
  if (segment.type === 'name') return segment.names.length === 1;
  if (segment.type === 'index') return segment.indices.length === 1;
  return false;
}

/** Renders a definite path prefix the way Jayway prints it: `$['a']['b'][0]`. */
export function normalizedPath(segments: PathSegment[]): string {
  return (
    '$' +
    segments
      .map((s) => {
        if (s.type === 'name') return `[${s.names.map((n) => `'${n}'`).join(',')}]`;
        if (s.type === 'index') return `[${s.indices.join(',')}]`;
        if (s.type === 'wildcard') return '[*]';
        if (s.type === 'slice') return `[${s.start ?? ''}:${s.end ?? ''}]`;
        if (s.type === 'filter') return '[?]';
        return `..${normalizedPath([s.inner]).slice(1)}`;
      })
      .join('')
  );
}

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
  path.segments.forEach((segment, i) => {
    const leaf = i === path.segments.length - 1;
    const here = normalizedPath(path.segments.slice(0, i));
    const through = normalizedPath(path.segments.slice(0, i + 1));
    if (segment.type === 'name') {
      const name = segment.names[0];
      if (!isObject(value)) {
        throw new NoMatchError(
          `Expected to find an object with property ['${name}'] in path ${here} but found '${javaTypeName(value)}'. ` +
            `This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.`,
        );
      }
      if (!hasOwn(value, name)) {
        throw new NoMatchError(leaf ? `No results for path: ${normalizedPath(path.segments)}` : `Missing property in path ${through}`);
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
  });
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
      return segment.indices.map((i) => (i < 0 ? node.length + i : i)).filter((i) => i >= 0 && i < node.length).map((i) => node[i]);
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
