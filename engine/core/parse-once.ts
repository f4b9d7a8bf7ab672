/**
 * Expressions are parsed once per process: `compile` parses every path, intrinsic and JSONata
 * expression of a machine into these tables, and every evaluation takes its parsed form from
 * them. Parsing is pure, so sharing a parsed form between runs (and workflows) is replay-safe.
 * An expression that fails to parse is never stored: its evaluation parses it again and fails
 * with the same error as it always did.
 */

/**
 * Parses actually made (not served from a table), per kind. Private: the worker shares this module
 * between workflows and freezes what it exports (see bundle-workflows.ts), so only functions are
 * exported.
 */
const counts = { jsonPath: 0, intrinsic: 0, jsonata: 0 };

type ParseKind = keyof typeof counts;

/** The parses made so far, per kind: what tests observe. */
export function parseCounts(): Readonly<Record<ParseKind, number>> {
  return { ...counts };
}

/** Counts a parse made outside a table (one that must not be shared). */
export function countParse(kind: ParseKind): void {
  counts[kind]++;
}

/** A table is cleared when it reaches this many entries (definitions hold far fewer). */
const LIMIT = 5000;

/** The parsed form of `text` from `table`, parsing (and counting) it on a miss. */
export function parseOnce<T>(table: Map<string, T>, kind: ParseKind, text: string, parse: (text: string) => T): T {
  let parsed = table.get(text);
  if (parsed === undefined) {
    counts[kind]++;
    parsed = parse(text);
    if (table.size >= LIMIT) table.clear();
    table.set(text, parsed);
  }
  return parsed;
}

/** A parse made ahead of its use (compile): one that fails is raised where the expression is evaluated. */
export function parseAhead(parse: () => unknown): void {
  try {
    parse();
  } catch {
    // The evaluation parses it again and fails there, as it always did.
  }
}
