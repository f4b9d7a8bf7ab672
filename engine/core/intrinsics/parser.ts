import { JsonPathSyntaxError, parseJsonPathPrefix } from '../jsonpath';
import { checkArguments, isIntrinsicName, type CheckedArg, type IntrinsicName } from './signatures';

/** ASL's limit on how deeply intrinsic calls may nest. */
export const MAX_INTRINSIC_NESTING = 10;

/** A definition-time error in an intrinsic expression; `position` is the 0-based offset. */
export class IntrinsicSyntaxError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    reason: string,
  ) {
    super(`${reason} at position ${position} in '${expression}'`);
    this.name = 'IntrinsicSyntaxError';
  }
}

/** One argument of an intrinsic call. String literals keep `raw` (escapes as written) for States.Format. */
export type IntrinsicArg =
  | { kind: 'literal'; value: string | number | boolean | null; raw?: string }
  | { kind: 'path'; path: string }
  | { kind: 'call'; call: IntrinsicCall };

/** A parsed intrinsic call such as `States.Format('{}', $.a)`. */
export interface IntrinsicCall {
  name: IntrinsicName;
  args: IntrinsicArg[];
  /** Offset of the call's name in the expression. */
  position: number;
}

// Inside a string literal only these may follow a backslash (ASL: \' \{ \} \\).
const ESCAPABLE = new Set(["'", '{', '}', '\\']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/;
const CALL_NAME = /^States\.[A-Za-z0-9]+/;

/**
 * True when `expr` looks like an intrinsic call (`States.<Name>(...)`), which is how a `.$` field
 * tells an intrinsic from a path. Says nothing about validity; use parseIntrinsic for that.
 */
export function isIntrinsic(expr: string): boolean {
  return typeof expr === 'string' && /^States\.[A-Za-z0-9]+\s*\(/.test(expr) && expr.trimEnd().endsWith(')');
}

/**
 * Parses an intrinsic expression: calls nest up to MAX_INTRINSIC_NESTING; arguments are string
 * literals in single quotes (escapes `\'`, `\{`, `\}`, `\\`), numbers, `true`, `false`, `null`,
 * JSONPaths (`$`, `$.x`, `$$.x`, `$var`) and nested calls. Checks names and arity (and the types
 * of literal arguments) against SIGNATURES. Throws IntrinsicSyntaxError.
 */
export function parseIntrinsic(expr: string): IntrinsicCall {
  const parser = new IntrinsicParser(expr);
  parser.skipSpaces();
  const call = parser.call(1);
  parser.skipSpaces();
  if (parser.pos !== expr.length) parser.fail('unexpected characters after the call');
  return call;
}

class IntrinsicParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new IntrinsicSyntaxError(this.text, at, reason);
  }

  skipSpaces(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  call(depth: number): IntrinsicCall {
    const position = this.pos;
    if (depth > MAX_INTRINSIC_NESTING) this.fail(`intrinsic functions nest at most ${MAX_INTRINSIC_NESTING} levels`);
    const match = CALL_NAME.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected an intrinsic function name');
    const name = match[0];
    if (!isIntrinsicName(name)) this.fail(`unknown intrinsic function '${name}'`);
    this.pos += name.length;
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail("expected '('");
    this.pos++;
    this.skipSpaces();
    const args: IntrinsicArg[] = [];
    if (this.text[this.pos] === ')') this.pos++;
    else {
      for (;;) {
        this.skipSpaces();
        args.push(this.arg(depth));
        this.skipSpaces();
        const next = this.text[this.pos];
        this.pos++;
        if (next === ')') break;
        if (next !== ',') this.fail("expected ',' or ')'", this.pos - 1);
      }
    }
    const checked: CheckedArg[] = args.map((a) =>
      a.kind === 'literal' ? { known: true, value: a.value } : { known: false },
    );
    const problem = checkArguments(name, checked);
    if (problem) this.fail(problem, position);
    if (name === 'States.Format' && args[0].kind === 'literal' && typeof args[0].raw === 'string') {
      const placeholders = countPlaceholders(args[0].raw);
      if (placeholders !== args.length - 1) {
        this.fail(`States.Format has ${placeholders} placeholder(s) but ${args.length - 1} value(s)`, position);
      }
    }
    return { name, args, position };
  }

  private arg(depth: number): IntrinsicArg {
    const rest = this.text.slice(this.pos);
    const char = rest[0] ?? '';
    if (char === "'") return this.string();
    if (char === '$') {
      try {
        const { end } = parseJsonPathPrefix(this.text, this.pos);
        const path = this.text.slice(this.pos, end);
        this.pos = end;
        return { kind: 'path', path };
      } catch (err) {
        if (err instanceof JsonPathSyntaxError) this.fail(`invalid path argument (${err.message})`);
        throw err;
      }
    }
    if (rest.startsWith('States.')) return { kind: 'call', call: this.call(depth + 1) };
    const number = NUMBER.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail('expected an argument (string, number, boolean, null, path or intrinsic call)');
  }

  private string(): IntrinsicArg {
    const start = ++this.pos;
    let value = '';
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) this.fail('unterminated string literal', start - 1);
      if (char === "'") break;
      if (char === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !ESCAPABLE.has(next)) this.fail('invalid escape sequence in string literal');
        value += next;
        this.pos += 2;
        continue;
      }
      value += char;
      this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    this.pos++;
    return { kind: 'literal', value, raw };
  }
}

/** Counts the `{}` placeholders of a States.Format template, honouring backslash escapes. */
export function countPlaceholders(template: string): number {
  let count = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === '\\') i++;
    else if (template[i] === '{' && template[i + 1] === '}') {
      count++;
      i++;
    }
  }
  return count;
}
