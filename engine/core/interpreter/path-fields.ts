import { StatesError, StatesErrors } from '../errors';
import { readPath } from '../paths';
import type { StateDef } from './scope';

/** How a value read by a `…Path` field is quoted in AWS's causes: strings bare, the rest as JSON. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A number written as text, as AWS parses it for numeric `…Path` fields. */
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

/** Reads a `…Path` field, mapping a miss to `States.Runtime`. */
export function readField(
  path: string,
  effective: unknown,
  ctx: unknown,
  variables?: Record<string, unknown>,
): unknown {
  try {
    return readPath(path, effective, ctx, variables);
  } catch (err) {
    throw new StatesError(StatesErrors.Runtime, (err as Error).message);
  }
}

/** `<field>Path` by field name, built once (a fresh concatenation is a slow property key). */
const PATH_FIELDS = new Map<string, string>();

function pathFieldOf(field: string): string {
  let name = PATH_FIELDS.get(field);
  if (name === undefined) PATH_FIELDS.set(field, (name = `${field}Path`));
  return name;
}

/**
 * A numeric field (Map, Task timeouts) given literally (`field`) or by path (`fieldPath`): undefined when neither
 * is set; a path value that is not a number (an integer unless `decimals`) fails with AWS's cause
 * "The <field>Path field refers to value "<v>" which is not a valid integer: <path>".
 */
export function numberField(
  state: StateDef,
  field: string,
  effective: unknown,
  ctx: unknown,
  decimals = false,
  variables?: Record<string, unknown>,
): number | undefined {
  if (state[field] !== undefined) return state[field] as number;
  const path = state[pathFieldOf(field)] as string | undefined;
  if (path === undefined) return undefined;
  const read = readField(path, effective, ctx, variables);
  // AWS accepts a number written as a JSON string (recorded with `"$var"` holding "1").
  const value = typeof read === 'string' && NUMERIC_TEXT.test(read) ? Number(read) : read;
  if (typeof value !== 'number' || (!decimals && !Number.isInteger(value))) {
    throw new StatesError(
      StatesErrors.Runtime,
      `The ${field}Path field refers to value "${shown(value)}" which is not a valid ${decimals ? 'number' : 'integer'}: ${path}`,
    );
  }
  return value;
}
