import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BindingsFileSchema, type BindingSet } from '../../schemas/resources/bindings';
import type { Config } from '../../schemas/config';
import { DEFAULT_BINDING_SET } from '../core/resource-bindings';
import type { Logger } from '../logger';

/**
 * The deployment's resource bindings, from the JSON file `STEPFLOW_BINDINGS` names. The file is
 * read when it changes (size or modification time), validated, and versioned by the SHA-256 of
 * its text. Each execution carries the set it started with in its workflow input, so editing
 * the file never changes a running execution. A file that turns invalid keeps the last good
 * set (logged); an invalid file at first read is an error.
 */

/** Thrown when the bindings file cannot be read or is invalid; the message says where. */
export class BindingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BindingsError';
  }
}

/** At most this much text in a bindings file (every execution carries the set). */
export const MAX_BINDINGS_BYTES = 64 * 1024;

/** Parses and validates a bindings file's text into a versioned set. */
export function parseBindings(text: string, source = 'STEPFLOW_BINDINGS'): BindingSet {
  if (Buffer.byteLength(text) > MAX_BINDINGS_BYTES)
    throw new BindingsError(`${source} is larger than ${MAX_BINDINGS_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BindingsError(`${source} is not JSON: ${(err as Error).message}`);
  }
  const parsed = BindingsFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  /${issue.path.join('/')}: ${issue.message}`);
    throw new BindingsError(`${source} is not a valid bindings file:\n${lines.join('\n')}`);
  }
  return {
    version: createHash('sha256').update(text).digest('hex').slice(0, 16),
    bindings: parsed.data.bindings,
    disabledIntegrations: parsed.data.disabledIntegrations,
  };
}

let cache: { file: string; stamp: string; set: BindingSet } | undefined;

/** The current binding set (the built-in defaults without STEPFLOW_BINDINGS). */
export function currentBindings(config: Pick<Config, 'STEPFLOW_BINDINGS'>, log?: Logger): BindingSet {
  if (!config.STEPFLOW_BINDINGS) return DEFAULT_BINDING_SET;
  const file = path.resolve(config.STEPFLOW_BINDINGS);
  let stamp: string;
  try {
    const stat = fs.statSync(file);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch (err) {
    if (cache?.file === file) {
      log?.error({ file, err: (err as Error).message }, 'bindings file unreadable: keeping the last good bindings');
      return cache.set;
    }
    throw new BindingsError(`STEPFLOW_BINDINGS: cannot read ${file}: ${(err as Error).message}`);
  }
  if (cache?.file === file && cache.stamp === stamp) return cache.set;
  try {
    const set = parseBindings(fs.readFileSync(file, 'utf8'), file);
    cache = { file, stamp, set };
    log?.info({ file, version: set.version, bindings: set.bindings.length }, 'bindings loaded');
    return set;
  } catch (err) {
    if (cache?.file !== file) throw err;
    log?.error({ file, err: (err as Error).message }, 'bindings file invalid: keeping the last good bindings');
    return cache.set;
  }
}
