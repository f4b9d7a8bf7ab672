import { StatesError, StatesErrors } from './errors';
import { evaluateIntrinsic, IntrinsicSyntaxError, isIntrinsic, parsedIntrinsic, type IntrinsicEnv } from './intrinsics';
import { JsonPathSyntaxError } from './jsonpath';
import { parseAhead } from './parse-once';
import { parsedPath, PathNotFoundError, readPath } from './paths';

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

/** A `.$` field of a payload template, with its value classified once. */
interface DynamicField {
  key: string;
  name: string;
  expr: unknown;
  /** The value is an intrinsic call (else a path, or not a string). */
  intrinsic: boolean;
}

/** A payload template compiled once: what applyPayloadTemplate walks. */
export type CompiledTemplate =
  | { kind: 'value'; value: unknown }
  | { kind: 'array'; items: CompiledTemplate[] }
  | { kind: 'object'; fields: ({ dynamic: DynamicField } | { name: string; value: CompiledTemplate })[] };

/** Compiled templates by the template object of the plan (see parse-once.ts). */
const COMPILED = new WeakMap<object, CompiledTemplate>();

/**
 * The compiled form of a payload template, compiled once per template object; the paths and
 * intrinsics of its `.$` fields are parsed here (a value that does not parse fails when the
 * template is applied, as it always did).
 */
export function compileTemplate(template: unknown): CompiledTemplate {
  if (typeof template !== 'object' || template === null) return { kind: 'value', value: template };
  let compiled = COMPILED.get(template);
  if (compiled) return compiled;
  if (Array.isArray(template)) {
    compiled = { kind: 'array', items: template.map(compileTemplate) };
  } else {
    const fields = Object.entries(template).map(([key, expr]) => {
      if (!key.endsWith(DYNAMIC_FIELD_SUFFIX)) return { name: key, value: compileTemplate(expr) };
      const name = key.slice(0, -DYNAMIC_FIELD_SUFFIX.length);
      const intrinsic = typeof expr === 'string' && isIntrinsic(expr);
      if (typeof expr === 'string') preparseExpression(expr);
      return { dynamic: { key, name, expr, intrinsic } };
    });
    compiled = { kind: 'object', fields };
  }
  COMPILED.set(template, compiled);
  return compiled;
}

/** Parses the value of a `.$` field (an intrinsic or a path) ahead of its use. */
export function preparseExpression(expr: string): void {
  parseAhead(() => (isIntrinsic(expr) ? parsedIntrinsic(expr) : parsedPath(expr)));
}

function dynamicValue(
  { key: field, expr, intrinsic }: DynamicField,
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
    return intrinsic
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
  return applyCompiled(compileTemplate(template), input, context, env, variables);
}

function applyCompiled(
  template: CompiledTemplate,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  variables: Record<string, unknown> | undefined,
): unknown {
  if (template.kind === 'value') return template.value;
  if (template.kind === 'array')
    return template.items.map((item) => applyCompiled(item, input, context, env, variables));
  const out: Record<string, unknown> = {};
  for (const field of template.fields) {
    if ('dynamic' in field) out[field.dynamic.name] = dynamicValue(field.dynamic, input, context, env, variables);
    else out[field.name] = applyCompiled(field.value, input, context, env, variables);
  }
  return out;
}
