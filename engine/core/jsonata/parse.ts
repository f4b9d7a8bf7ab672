import jsonata from 'jsonata';
import { parseOnce } from '../parse-once';
import { DEFAULT_JSONATA_LIMITS } from './limits';
import { LinearRegExp } from './regex';

/** A compiled JSONata expression (jsonata's own object). */
export type CompiledExpression = ReturnType<typeof jsonata>;

/** A JSONata expression that does not parse, or uses syntax Step Functions' JSONata lacks. */
export class JsonataSyntaxError extends Error {
  constructor(
    /** JSONata's error code (e.g. `S0202`), or `SF0001` for syntax Step Functions rejects. */
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'JsonataSyntaxError';
  }
}

/**
 * Step Functions runs JSONata 2.0.6: the 2.1 operators `??` (coalescing) and `?:` (default) do
 * not exist there, so an expression using them is a syntax error in Step Functions even though the
 * bundled parser understands them.
 */
const NEWER_OPERATORS = ['??', '?:'] as const;

/** The first 2.1-only operator outside string literals, names in backticks and comments, if any. */
function newerOperatorIn(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'" || char === '`') {
      for (i++; i < text.length && text[i] !== char; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    const found = NEWER_OPERATORS.find((op) => text.startsWith(op, i));
    if (found) return found;
  }
  return undefined;
}

/** Compiled expressions by text (see parse-once.ts). */
const CACHE = new Map<string, CompiledExpression>();

/**
 * Compiles a JSONata expression as Step Functions accepts it, throwing JsonataSyntaxError for a
 * parse error (with JSONata's code and message) or a 2.1-only operator.
 */
export function compileExpression(text: string): CompiledExpression {
  return parseOnce(CACHE, 'jsonata', text, parseExpression);
}

function parseExpression(text: string): CompiledExpression {
  const operator = newerOperatorIn(text);
  if (operator) {
    throw new JsonataSyntaxError(
      'S0211',
      `The symbol ${operator} is not supported by the JSONata version Step Functions runs`,
    );
  }
  try {
    // Regular expressions run on RE2 (linear time), never on the backtracking RegExp; a range
    // (`[1..n]`) or sequence longer than maxArrayLength is refused before it is allocated (D2015).
    return jsonata(text, {
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
      sequence: DEFAULT_JSONATA_LIMITS.maxArrayLength,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new JsonataSyntaxError(e.code ?? 'S0000', e.message ?? String(err));
  }
}

/** A JSONata AST node, loosely typed. */

export type AstNode = Record<string, any>;

/** Visits every node of a JSONata AST, depth first. */
export function walkAst(node: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walkAst(child, visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  visit(node as AstNode);
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'position' && typeof child === 'object') walkAst(child, visit);
  }
}
