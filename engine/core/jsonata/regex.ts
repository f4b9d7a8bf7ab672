import { RE2JS } from 're2js';

/**
 * Longest input string a JSONata regular expression is matched against. RE2 matches in time
 * linear in the input, so this bounds the time of every match; far above any field a 256 KiB
 * payload can hold once quoted.
 */
export const MAX_REGEX_INPUT_LENGTH = 1024 * 1024;

/** A JSONata regular expression RE2 cannot run (a backreference or lookahead) or a too long input. */
export class RegexRefused extends Error {
  /** JSONata-style code, so evaluation causes read like JSONata's own. */
  readonly code = 'SF0002';
  constructor(message: string) {
    super(message);
    this.name = 'RegexRefused';
  }
}

/** Compiled patterns by source and flags: compiling is pure, so sharing is replay-safe. */
const COMPILED = new Map<string, RE2JS>();
const COMPILED_LIMIT = 500;

function compile(regexp: RegExp): RE2JS {
  const key = `${regexp.flags}/${regexp.source}`;
  const cached = COMPILED.get(key);
  if (cached) return cached;
  let compiled: RE2JS;
  try {
    // translateRegExp maps JavaScript syntax (named groups, \u{…}) and the `i`/`m` flags onto RE2's.
    compiled = RE2JS.compile(RE2JS.translateRegExp(regexp));
  } catch (err) {
    throw new RegexRefused(
      `The regular expression /${regexp.source}/ is not supported: Stepflow matches in linear time (RE2 syntax: no backreferences or lookaheads). ${(err as Error).message}`,
    );
  }
  if (COMPILED.size >= COMPILED_LIMIT) COMPILED.clear();
  COMPILED.set(key, compiled);
  return compiled;
}

/**
 * The `RegexEngine` JSONata runs its regular expressions (`/…/` in `$match`, `$replace`,
 * `$split`, `$contains`, …) with: RE2, whose matching time is linear in the input, so that a
 * pattern such as `/(a+)+$/` cannot backtrack for hours inside a workflow task. It implements
 * what JSONata uses of `RegExp`: `lastIndex` and `exec` (JSONata's patterns are global).
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(regexp: RegExp) {
    this.pattern = compile(regexp);
  }

  exec(input: string): RegExpExecArray | null {
    if (input.length > MAX_REGEX_INPUT_LENGTH) {
      throw new RegexRefused(
        `A regular expression was applied to a string longer than Stepflow's limit of ${MAX_REGEX_INPUT_LENGTH} characters`,
      );
    }
    const matcher = this.pattern.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const start = matcher.start();
    this.lastIndex = matcher.end();
    return Object.assign(groups as unknown as RegExpExecArray, { index: start, input });
  }
}
