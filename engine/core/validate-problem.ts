import { DefinitionProblemCodes, type DefinitionProblem } from '../../schemas/asl';

/** A SCHEMA_VALIDATION_FAILED problem (AWS's code for every field-level rule). */
export function schemaProblem(path: string, message: string): DefinitionProblem {
  return { code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED, path, message };
}

/** `$name…`: a workflow variable reference (not `$`, `$.x`, `$[0]` or `$$`). */
const VARIABLE_REFERENCE = /^\$[A-Za-z_]/;

/**
 * The problem with a path-valued field, if any: `undefined` when `isValid(value)`; an
 * UNSUPPORTED_FEATURE problem when it reads a workflow variable (`$name`), which Stepflow does
 * not run yet; otherwise "The value for the field 'X' must be a valid <kind><suffix>".
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
  if (VARIABLE_REFERENCE.test(value)) {
    return { code: DefinitionProblemCodes.UNSUPPORTED_FEATURE, path: pointer, message: `Workflow variable references ('${value}') are not supported yet` };
  }
  return schemaProblem(pointer, `The value for the field '${field}' must be a valid ${kind}${suffix}`);
}
