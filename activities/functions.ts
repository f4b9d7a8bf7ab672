import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A Lambda-style handler: `handler(event, context)`, sync or async. */
export type Handler = (event: unknown, context: FunctionContext) => unknown;

/** The `context` a function receives. */
export interface FunctionContext {
  /** Identical for every attempt and redelivery of the same state entry. */
  idempotencyKey: string;
  executionId: string;
  stateName: string;
  functionName: string;
  /** Aborted when the invocation is cancelled (execution stopped, timeout, sibling failure). */
  signal: AbortSignal;
}

/** Thrown when `FUNCTIONS_DIR` has no function of that name. */
export class FunctionNotFoundError extends Error {
  // The message names no directory: it reaches the caller's history, which must not show deployment paths.
  constructor(name: string) {
    super(`Function not found: ${name} (no ${name}.js, .cjs or .mjs exporting handler in FUNCTIONS_DIR)`);
    this.name = 'Lambda.ResourceNotFoundException';
  }
}

const EXTENSIONS = ['.js', '.cjs', '.mjs'];
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Loads functions from a directory by base name, caching each module once loaded. */
export class FunctionRegistry {
  private readonly cache = new Map<string, Handler>();

  constructor(private readonly dir: string) {}

  /** The handler of the function called `name`. */
  async get(name: string): Promise<Handler> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!NAME.test(name)) throw new FunctionNotFoundError(name);
    const file = EXTENSIONS.map((ext) => path.resolve(this.dir, name + ext)).find((candidate) =>
      fs.existsSync(candidate),
    );
    if (!file) throw new FunctionNotFoundError(name);
    const mod = await import(pathToFileURL(file).href);
    const handler = mod.handler ?? mod.default?.handler;
    if (typeof handler !== 'function') throw new FunctionNotFoundError(name);
    this.cache.set(name, handler);
    return handler;
  }
}
