import { type DefinitionProblem } from '../../../schemas/asl';
import { isIntrinsic, parseIntrinsic } from '../intrinsics';
import { isValidPath, isValidReferencePath, isValidResultPath } from '../paths';
import { checkChoiceRules } from './choice';
import { pathValueProblem, schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject } from './walk';

/**
 * Definition-time checks of a JSONPath state's expressions: `InputPath`/`OutputPath`/`ItemsPath`
 * are JSONPaths; `ResultPath` (state and Catch) is a reference path into the state data; every
 * other `…Path` field is a reference path; Fail's `ErrorPath`/`CausePath` is a reference path
 * or an intrinsic; every `.$` key of a payload template holds a path or a valid intrinsic call;
 * Choice rules are well formed.
 */

/** Fields holding a JSONPath that may select many nodes, by state type. */
const JSONPATH_FIELDS: Record<string, string[]> = {
  Task: ['InputPath', 'OutputPath'],
  Pass: ['InputPath', 'OutputPath'],
  Choice: ['InputPath', 'OutputPath'],
  Wait: ['InputPath', 'OutputPath'],
  Succeed: ['InputPath', 'OutputPath'],
  Parallel: ['InputPath', 'OutputPath'],
  Map: ['InputPath', 'OutputPath', 'ItemsPath'],
};
/** State types with a `ResultPath`. */
const RESULT_PATH_TYPES = new Set(['Task', 'Pass', 'Parallel', 'Map']);
/** Fields holding a reference path to one value, by state type (nested objects by pointer segments). */
const REFERENCE_PATH_FIELDS: Record<string, string[][]> = {
  Task: [['TimeoutSecondsPath'], ['HeartbeatSecondsPath']],
  Wait: [['SecondsPath'], ['TimestampPath']],
  Map: [
    ['MaxConcurrencyPath'],
    ['ToleratedFailurePercentagePath'],
    ['ToleratedFailureCountPath'],
    ['ItemBatcher', 'MaxItemsPerBatchPath'],
    ['ItemBatcher', 'MaxInputBytesPerBatchPath'],
    ['ItemReader', 'ReaderConfig', 'MaxItemsPath'],
  ],
};
/** Payload templates (`.$` keys evaluated), by state type, as pointer segments from the state. */
const TEMPLATE_FIELDS: Record<string, string[][]> = {
  Task: [['Parameters'], ['ResultSelector'], ['Credentials'], ['Compensate', 'Parameters'], ['Assign']],
  Pass: [['Parameters'], ['Assign']],
  Choice: [['Assign']],
  Wait: [['Assign']],
  Parallel: [['Parameters'], ['ResultSelector'], ['Assign']],
  Map: [
    ['Assign'],
    ['Parameters'],
    ['ItemSelector'],
    ['ResultSelector'],
    ['ItemReader', 'Parameters'],
    ['ItemBatcher', 'BatchInput'],
    ['ResultWriter', 'Parameters'],
  ],
};

function valueAt(object: JsonObject, segments: string[]): unknown {
  let value: unknown = object;
  for (const s of segments) value = isJsonObject(value) ? value[s] : undefined;
  return value;
}

/** The problem with a path or intrinsic call, as a `.$` key or Fail `ErrorPath` holds; `undefined` when valid. */
function expressionProblem(
  field: string,
  value: string,
  pointer: string,
  isPathValid: (path: string) => boolean,
  pathKind: string,
): DefinitionProblem | undefined {
  if (isIntrinsic(value)) {
    try {
      parseIntrinsic(value);
      return undefined;
    } catch (err) {
      return schemaProblem(
        pointer,
        `Invalid intrinsic function call in field '${field}': ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return pathValueProblem(field, value, pointer, isPathValid, pathKind, ' or a valid intrinsic function call');
}

/** Every `.$` key of a payload template, at any depth (objects inside arrays included). */
export function checkTemplate(template: unknown, pointer: string): DefinitionProblem[] {
  if (Array.isArray(template)) return template.flatMap((item, i) => checkTemplate(item, childPointer(pointer, i)));
  if (!isJsonObject(template)) return [];
  const problems: DefinitionProblem[] = [];
  for (const [key, value] of Object.entries(template)) {
    const at = childPointer(pointer, key);
    if (!key.endsWith('.$')) {
      problems.push(...checkTemplate(value, at));
    } else if (typeof value !== 'string') {
      problems.push(
        schemaProblem(
          at,
          `The value for the field '${key}' must be a string holding a JSONPath or an intrinsic function call`,
        ),
      );
    } else {
      const found = expressionProblem(key, value, at, isValidPath, 'JSONPath');
      if (found) problems.push(found);
    }
  }
  return problems;
}

function checkPathField(
  object: JsonObject,
  field: string,
  pointer: string,
  isValid: (p: string) => boolean,
  kind: string,
): DefinitionProblem[] {
  const value = object[field];
  if (typeof value !== 'string') return [];
  return [pathValueProblem(field, value, childPointer(pointer, field), isValid, kind) ?? []].flat();
}

function checkResultPaths(state: JsonObject, pointer: string): DefinitionProblem[] {
  const problems = checkPathField(state, 'ResultPath', pointer, isValidResultPath, 'ReferencePath');
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (isJsonObject(catcher)) {
        problems.push(
          ...checkPathField(
            catcher,
            'ResultPath',
            childPointer(pointer, 'Catch', i),
            isValidResultPath,
            'ReferencePath',
          ),
        );
      }
    });
  }
  return problems;
}

function checkFailPaths(state: JsonObject, pointer: string): DefinitionProblem[] {
  return (['ErrorPath', 'CausePath'] as const).flatMap((field) => {
    const value = state[field];
    if (typeof value !== 'string') return [];
    return [
      expressionProblem(field, value, childPointer(pointer, field), isValidReferencePath, 'ReferencePath') ?? [],
    ].flat();
  });
}

/** Every expression problem of one JSONPath state (raw). */
export function checkJsonPathState(state: JsonObject, pointer: string): DefinitionProblem[] {
  const type = String(state.Type);
  const problems: DefinitionProblem[] = [];
  for (const field of JSONPATH_FIELDS[type] ?? [])
    problems.push(...checkPathField(state, field, pointer, isValidPath, 'JSONPath'));
  if (RESULT_PATH_TYPES.has(type)) problems.push(...checkResultPaths(state, pointer));
  for (const segments of REFERENCE_PATH_FIELDS[type] ?? []) {
    const parent = valueAt(state, segments.slice(0, -1));
    if (isJsonObject(parent)) {
      problems.push(
        ...checkPathField(
          parent,
          segments[segments.length - 1]!,
          childPointer(pointer, ...segments.slice(0, -1)),
          isValidReferencePath,
          'ReferencePath',
        ),
      );
    }
  }
  for (const segments of TEMPLATE_FIELDS[type] ?? []) {
    problems.push(...checkTemplate(valueAt(state, segments), childPointer(pointer, ...segments)));
  }
  if (type === 'Fail') problems.push(...checkFailPaths(state, pointer));
  if (type === 'Choice') problems.push(...checkChoiceRules(state, pointer));
  return problems;
}
