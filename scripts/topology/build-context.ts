import fs from 'node:fs';
import path from 'node:path';

/** One `.dockerignore` rule: a path pattern, `!` for an exception. */
interface IgnoreRule {
  regex: RegExp;
  exception: boolean;
}

/** Go `filepath.Match` plus `**` (any number of directories), as Docker's pattern matcher reads it. */
function patternRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`.dockerignore: unterminated [ in ${pattern}`);
      out += `[${pattern.slice(i + 1, end)}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A parsed `.dockerignore`. */
export interface DockerIgnore {
  /** True when the context path (relative, POSIX) is left out of the build context. */
  excluded(relPath: string): boolean;
  hasExceptions: boolean;
}

/**
 * Reads `.dockerignore` as Docker does: `#` comments and blank lines skipped, each pattern
 * cleaned (`./a/` → `a`, a leading `/` dropped), `!` marks an exception, the last matching rule
 * wins, and a rule that matches a directory excludes everything below it.
 */
export function parseDockerignore(text: string): DockerIgnore {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const exception = trimmed.startsWith('!');
    const cleaned = path.posix
      .normalize(exception ? trimmed.slice(1).trim() : trimmed)
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    if (cleaned === '' || cleaned === '.') continue;
    rules.push({ regex: patternRegex(cleaned), exception });
  }
  const excluded = (relPath: string): boolean => {
    const parts = relPath.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let result = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) result = !rule.exception;
    }
    return result;
  };
  return { excluded, hasExceptions: rules.some((rule) => rule.exception) };
}

/** Docker's wildcard rule for COPY sources: `*`, `?` and `[…]` within one path segment. */
export function sourceMatcher(source: string): RegExp | undefined {
  return /[*?[]/.test(source) ? patternRegex(source) : undefined;
}

/**
 * The files Docker sends as the build context: every file under `dir` (relative POSIX paths,
 * sorted) that `.dockerignore` does not exclude. Symlinks are listed, not followed.
 */
export function listBuildContext(dir: string): string[] {
  const ignoreFile = path.join(dir, '.dockerignore');
  const ignore = parseDockerignore(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '');
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        // An excluded directory is walked only when an exception rule may bring files below it back.
        if (ignore.hasExceptions || !ignore.excluded(child)) walk(child);
      } else if (!ignore.excluded(child)) out.push(child);
    }
  };
  walk('');
  return out.sort();
}
