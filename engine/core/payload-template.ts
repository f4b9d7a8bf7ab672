import { StatesError, StatesErrors } from './errors';
import { evaluateIntrinsic, IntrinsicSyntaxError, isIntrinsic, type IntrinsicEnv } from './intrinsics';
import { JsonPathSyntaxError } from './jsonpath';
import { PathNotFoundError, readPath } from './paths';

/** A payload-template field whose key ends with this suffix takes a path or intrinsic as its value. */
export const DYNAMIC_FIELD_SUFFIX = '.$';

/**
 * The error name for a `.$` path that selects nothing. The ASL spec names
 * `States.ParameterPathFailure`, but AWS raises `States.Runtime` (recorded on AWS:
 * "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the
 * input '...'"), and that is what executions observe, e.g. a Catch on `States.ALL` does not catch it.
 */
export const PARAMETER_PATH_ERROR: string = StatesErrors.Runtime;

/** AWS's cause text for a `.$` field whose path selects nothing. */
export function describeMissingParameterPath(path: string, field: string, input: unknown): string {
  return `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`;
}

function dynamicValue(
  field: string,
  expr: unknown,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  variables: Record<string, unknown> | undefined,
): unknown {
  if (typeof expr !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value for the field '${field}' must be a STRING that contains a JSONPath or an intrinsic function, but was ${JSON.stringify(expr)}`,
    );
  }
  try {
    return isIntrinsic(expr)
      ? evaluateIntrinsic(expr, input, context, env, { variables })
      : readPath(expr, input, context, variables);
  } catch (err) {
    if (err instanceof PathNotFoundError) {
      throw new StatesError(PARAMETER_PATH_ERROR, describeMissingParameterPath(err.path, field, input));
    }
    // Validation rejects these before a run; a plan that slipped through still fails as AWS would.
    if (err instanceof JsonPathSyntaxError || err instanceof IntrinsicSyntaxError) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The value for the field '${field}' is not a valid JSONPath or intrinsic function: ${err.message}`,
      );
    }
    throw err;
  }
}

/**
 * Builds the value of "Parameters", "ResultSelector" or "ItemSelector" from its payload template:
 * objects are walked recursively (including objects inside arrays); a key ending in `.$` loses
 * the suffix and takes the value of its path (`$...` reads `input`, `$$...` the context object,
 * `$name...` a workflow variable) or of its intrinsic function; every other value is copied as
 * written, even strings that look like paths. A path that selects nothing fails with
 * PARAMETER_PATH_ERROR.
 */
export function applyPayloadTemplate(
  template: unknown,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  variables?: Record<string, unknown>,
): unknown {
  if (Array.isArray(template))
    return template.map((item) => applyPayloadTemplate(item, input, context, env, variables));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(DYNAMIC_FIELD_SUFFIX)) {
      out[key.slice(0, -DYNAMIC_FIELD_SUFFIX.length)] = dynamicValue(key, value, input, context, env, variables);
    } else {
      out[key] = applyPayloadTemplate(value, input, context, env, variables);
    }
  }
  return out;
}
