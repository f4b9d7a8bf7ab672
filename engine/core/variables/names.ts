/** The longest variable name Step Functions accepts. */
export const MAX_VARIABLE_NAME_LENGTH = 80;

/** Names no `Assign` may set: `$states` is Step Functions' reserved variable. */
export const RESERVED_VARIABLE_NAMES: ReadonlySet<string> = new Set(['states']);

/**
 * A variable name as Step Functions defines it: a Unicode identifier (first character
 * ID_Start or `_`, the rest ID_Continue), so it can be written `$name` in JSONPath and JSONata.
 */
const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/** Why `name` cannot be a workflow variable, or undefined when it can. */
export function variableNameProblem(name: string): string | undefined {
  if (RESERVED_VARIABLE_NAMES.has(name)) return `The variable name '${name}' is reserved`;
  if ([...name].length > MAX_VARIABLE_NAME_LENGTH) {
    return `The variable name '${name}' is longer than ${MAX_VARIABLE_NAME_LENGTH} characters`;
  }
  if (!VARIABLE_NAME.test(name)) {
    return `The variable name '${name}' is not valid: it must start with a letter or '_' and contain only letters, digits and '_'`;
  }
  return undefined;
}
