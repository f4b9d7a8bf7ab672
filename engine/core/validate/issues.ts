import type { z } from 'zod';
import { DefinitionProblemCodes, STATE_TYPES, type DefinitionProblem } from '../../../schemas/asl';
import { isJsonObject, locate, toPointer, type JsonObject, type Location } from './walk';

/**
 * Turns zod issues from `StateMachineDefinitionSchema` into definition problems with JSON
 * pointers and messages a user understands, worded like AWS where AWS's wording is known:
 * missing fields of one object are reported together (`These fields are required: [States,
 * StartAt]`), an unknown field names the state type it is not supported in.
 */

/** Fields that exist only in JSONata states; on a JSONPath state AWS names the language mismatch. */
const JSONATA_ONLY_FIELDS = new Set(['Arguments', 'Output', 'Items', 'Condition']);

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

/** The field a path names, for messages: `ErrorEquals[1]` for an array item. */
function fieldName(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') return `${fieldName(path.slice(0, -1))}[${last}]`;
  return String(last ?? '');
}

function problem(
  path: readonly PropertyKey[],
  message: string,
  code: DefinitionProblem['code'] = DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
): DefinitionProblem {
  return { code, path: toPointer(path), message };
}

function objectLabel(where: Location): string | undefined {
  if (!where.state) return undefined;
  if (where.inState.length === 0) {
    const type = where.state.value.Type;
    return typeof type === 'string' && (STATE_TYPES as readonly string[]).includes(type)
      ? `a ${type} state`
      : 'a state';
  }
  if (where.inState[0] === 'Choices') return 'a Choice rule';
  return undefined;
}

function unknownField(
  root: JsonObject,
  objectPath: readonly PropertyKey[],
  key: string,
): DefinitionProblem | undefined {
  const where = locate(root, objectPath);
  const path = [...objectPath, key];
  if (JSONATA_ONLY_FIELDS.has(key)) {
    return problem(
      path,
      `The QueryLanguage is set to 'JSONPath', but field '${key}' is only supported for the 'JSONata' QueryLanguage`,
    );
  }
  if (key === 'Compensate' && where.inState.length === 0 && where.state) {
    return problem(path, 'Compensate is only allowed on Task states');
  }
  const label = objectLabel(where);
  return problem(path, label ? `Field '${key}' is not supported in ${label}` : `Field '${key}' is not supported`);
}

function describeType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function convert(root: JsonObject, issue: z.core.$ZodIssue, present: boolean): DefinitionProblem[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.flatMap((key) => unknownField(root, path, key) ?? []);
    case 'invalid_type':
      if (issue.expected === 'object' && path.length === 0)
        return [problem(path, 'Definition must be a valid JSON object')];
      return [problem(path, `The field '${fieldName(path)}' must be ${describeType(issue.expected)}`)];
    case 'invalid_value':
      return [problem(path, `Value should be one of the following: [${issue.values.map(String).join(', ')}]`)];
    case 'invalid_union':
      if ('discriminator' in issue && present) {
        return [problem(path, `Value should be one of the following: [${STATE_TYPES.join(', ')}]`)];
      }
      return [problem(path, `Field '${fieldName(path)}' has an invalid value`)];
    default:
      return [problem(path, issue.message)];
  }
}

/**
 * Fields whose shape is the same in both query languages (they never hold a `{% %}` expression):
 * in a JSONata state the schema's issues about them still stand.
 */
const STRUCTURAL_FIELDS = new Set([
  'Type',
  'Next',
  'End',
  'Default',
  'Choices',
  'Branches',
  'ItemProcessor',
  'Iterator',
  'ProcessorConfig',
  'StartAt',
  'States',
  'Catch',
  'Retry',
  'ErrorEquals',
  'Comment',
  'Label',
]);

/**
 * Whether a schema issue inside a JSONata state stands. The schema describes JSONPath states, so
 * most of its issues there are `validate-jsonata`'s to judge (fields that take expressions, the
 * JSONata field matrix); but a required field that is missing (`Branches`, `Choices`, a
 * catcher's `Next`, a branch's `StartAt`…) or a structural field of the wrong type is wrong in
 * both languages, and without it the compiler would get a state it cannot run.
 */
function standsInJsonata(issue: z.core.$ZodIssue, absent: boolean): boolean {
  if (issue.code === 'unrecognized_keys') return false;
  const field = [...issue.path].reverse().find((segment) => typeof segment === 'string');
  if (absent) return issue.code === 'invalid_type' || issue.code === 'invalid_union';
  return (
    typeof field === 'string' &&
    STRUCTURAL_FIELDS.has(field) &&
    (issue.code === 'invalid_type' || issue.code === 'too_small')
  );
}

/**
 * Problems for the schema's issues, in the schema's order. Inside a JSONata state only the issues
 * that hold in both languages are kept (see standsInJsonata): the schema describes JSONPath
 * fields, and `validate-jsonata` checks the rest of a JSONata state.
 */
export function problemsFromIssues(root: unknown, issues: readonly z.core.$ZodIssue[]): DefinitionProblem[] {
  if (!isJsonObject(root)) return [problem([], 'Definition must be a valid JSON object')];
  const problems: DefinitionProblem[] = [];
  // Missing fields of one object become one problem, at the object, where the first one was.
  const missing = new Map<string, { problem: DefinitionProblem; fields: string[] }>();
  for (const issue of issues) {
    const where = locate(root, issue.path);
    const isAbsent = where.value === undefined && issue.path.length > 0;
    if (where.state?.language === 'JSONata' && !standsInJsonata(issue, isAbsent)) continue;
    if (isAbsent && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
      const objectPath = issue.path.slice(0, -1);
      const pointer = toPointer(objectPath);
      const group = missing.get(pointer);
      const field = String(issue.path[issue.path.length - 1]);
      if (group) {
        group.fields.push(field);
      } else {
        const entry = { problem: problem(objectPath, ''), fields: [field] };
        missing.set(pointer, entry);
        problems.push(entry.problem);
      }
      continue;
    }
    problems.push(...convert(root, issue, !isAbsent));
  }
  for (const { problem: p, fields } of missing.values())
    p.message = `These fields are required: [${fields.join(', ')}]`;
  return problems;
}
