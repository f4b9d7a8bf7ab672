import { DefinitionProblemCodes, type DefinitionProblem } from '../../../schemas/asl';
import { parseJsonPath } from '../jsonpath';
import { variableNameProblem } from '../variables';

/** A SCHEMA_VALIDATION_FAILED problem (AWS's code for every field-level rule). */
export function schemaProblem(path: string, message: string): DefinitionProblem {
  return { code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED, path, message };
}

/** `$name…`: a workflow variable reference (not `$`, `$.x`, `$[0]` or `$$`). */
const VARIABLE_REFERENCE = /^\$[A-Za-z_]/;

/** True when `value` is a JSONPath rooted at a workflow variable (`$name`, `$name.field[0]`). */
function isVariablePath(value: string): boolean {
  try {
    const parsed = parseJsonPath(value);
    return parsed.root.kind === 'variable' && variableNameProblem(parsed.root.name.replace(/^\$/, '')) === undefined;
  } catch {
    return false;
  }
}

/**
 * The problem with a path-valued field, if any: `undefined` when `isValid(value)` or when it
 * reads a workflow variable (`$name…`, anywhere but `ResultPath`); otherwise "The value for the
 * field 'X' must be a valid <kind><suffix>".
 */
export function pathValueProblem(
  field: string,
  value: string,
  pointer: string,
  isValid: (path: string) => boolean,
  kind: string,
  suffix = '',
): DefinitionProblem | undefined {
  if (isValid(value)) return undefined;
  if (field !== 'ResultPath' && VARIABLE_REFERENCE.test(value) && isVariablePath(value)) return undefined;
  return schemaProblem(pointer, `The value for the field '${field}' must be a valid ${kind}${suffix}`);
}
