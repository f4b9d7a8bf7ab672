import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type Config } from '../schemas/config';

/** Thrown when the environment holds a bad value; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once (the only reader of `process.env`), listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = ConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The per-user cache directory for built binaries: `$STEPFLOW_CACHE_DIR`, `$XDG_CACHE_HOME/stepflow` or `~/.cache/stepflow`. */
export function cacheDir(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  if (config.STEPFLOW_CACHE_DIR) return path.resolve(config.STEPFLOW_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'stepflow');
}
