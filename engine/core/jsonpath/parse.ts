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
export type PathRoot =
  { kind: 'data' } | { kind: 'context' } | { kind: 'variable'; name: string } | { kind: 'current' };

/** A parsed JSONPath. `definite` is Jayway's notion: it can select at most one node. */
export interface ParsedPath {
  root: PathRoot;
  segments: PathSegment[];
  definite: boolean;
}

/** A filter operand. */
export type Operand =
  { kind: 'literal'; value: unknown } | { kind: 'path'; path: ParsedPath } | { kind: 'regex'; regex: RegExp };
/** A filter comparison operator. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';
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
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
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
