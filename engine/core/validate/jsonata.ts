import { ResourceArnSchema, RetrierSchema, type DefinitionProblem } from '../../../schemas/asl';
import { TIMEOUT_SECONDS_MAX } from '../../../schemas/asl/fields';
import { isRfc3339Timestamp } from '../../../schemas/asl/timestamp';
import { inspectTemplate, isExpressionString, type StatesField } from '../jsonata';
import { schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject } from './walk';

/**
 * Definition-time checks of a JSONata state (the zod schema describes JSONPath states): the
 * field matrix of each state type (a JSONPath-only field is named as such), literal types of
 * fields that also take `{% %}`, every expression's syntax, and where `$states.result` /
 * `$states.errorOutput` may be read.
 */

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
/** Fields a JSONata state of each type may have. */
const JSONATA_FIELDS: Record<string, string[]> = {
  Task: [
    ...COMMON,
    ...FLOW,
    'Resource',
    'Arguments',
    'Output',
    'Assign',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'HeartbeatSeconds',
    'Credentials',
    'Compensate',
  ],
  Pass: [...COMMON, ...FLOW, 'Output', 'Assign'],
  Choice: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Output', 'Assign'],
  Succeed: [...COMMON, 'Output'],
  Fail: [...COMMON, 'Error', 'Cause'],
  Parallel: [...COMMON, ...FLOW, 'Branches', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch'],
  Map: [
    ...COMMON,
    ...FLOW,
    'ItemProcessor',
    'Iterator',
    'Items',
    'ItemSelector',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'ToleratedFailureCount',
    'ToleratedFailurePercentage',
    'Label',
    'Output',
    'Assign',
    'Retry',
    'Catch',
  ],
};
/** Fields that exist only in JSONPath states. */
const JSONPATH_ONLY = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'Result',
  'ItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'Variable',
]);
const CATCHER_FIELDS = ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'];
const RULE_FIELDS = ['Condition', 'Next', 'Output', 'Assign', 'Comment'];

function fieldProblems(object: JsonObject, pointer: string, allowed: string[], label: string): DefinitionProblem[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key))
    .map((key) =>
      schemaProblem(
        childPointer(pointer, key),
        JSONPATH_ONLY.has(key) || key.endsWith('.$') || label === 'a Choice rule'
          ? `The QueryLanguage is set to 'JSONata', but field '${key}' is only supported for the 'JSONPath' QueryLanguage`
          : `Field '${key}' is not supported in ${label}`,
      ),
    );
}

/** A field that is a literal of some kind or a `{% %}` expression. */
function literalOrExpression(
  object: JsonObject,
  field: string,
  pointer: string,
  ok: (v: unknown) => boolean,
  what: string,
): DefinitionProblem[] {
  const value = object[field];
  if (value === undefined || isExpressionString(value) || ok(value)) return [];
  return [
    schemaProblem(
      childPointer(pointer, field),
      `The field '${field}' must be ${what} or a JSONata expression '{% ... %}'`,
    ),
  ];
}

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const timeoutSeconds = (v: unknown) => positiveInteger(v) && (v as number) <= TIMEOUT_SECONDS_MAX;
const nonNegativeInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

function literalProblems(type: string, state: JsonObject, pointer: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const check = (field: string, ok: (v: unknown) => boolean, what: string) =>
    problems.push(...literalOrExpression(state, field, pointer, ok, what));
  if (type === 'Task') {
    check('TimeoutSeconds', timeoutSeconds, `a positive integer up to ${TIMEOUT_SECONDS_MAX}`);
    check('HeartbeatSeconds', timeoutSeconds, `a positive integer up to ${TIMEOUT_SECONDS_MAX}`);
    if (typeof state.Resource !== 'string' || !ResourceArnSchema.safeParse(state.Resource).success) {
      problems.push(schemaProblem(childPointer(pointer, 'Resource'), 'Value is not a valid resource ARN'));
    }
  }
  if (type === 'Wait') {
    check('Seconds', nonNegativeInteger, 'a non-negative integer');
    check('Timestamp', (v) => typeof v === 'string' && isRfc3339Timestamp(v), 'an RFC 3339 timestamp');
    if ((state.Seconds === undefined) === (state.Timestamp === undefined)) {
      problems.push(schemaProblem(pointer, "A Wait state needs exactly one of 'Seconds', 'Timestamp'"));
    }
  }
  if (type === 'Fail') {
    check('Error', (v) => typeof v === 'string', 'a string');
    check('Cause', (v) => typeof v === 'string', 'a string');
  }
  if (type === 'Map') {
    check('Items', Array.isArray, 'an array');
    check('MaxConcurrency', nonNegativeInteger, 'a non-negative integer');
    check('ToleratedFailureCount', nonNegativeInteger, 'a non-negative integer');
    check(
      'ToleratedFailurePercentage',
      (v) => typeof v === 'number' && v >= 0 && v <= 100,
      'a number between 0 and 100',
    );
    check('ItemSelector', isJsonObject, 'an object');
  }
  if (Array.isArray(state.Retry)) {
    state.Retry.forEach((retrier, i) => {
      if (!RetrierSchema.safeParse(retrier).success)
        problems.push(schemaProblem(childPointer(pointer, 'Retry', i), 'The retrier is not valid'));
    });
  }
  return problems;
}

/** Where each `$states` field may be read, by where the expression sits. */
function availability(type: string, field: string, inCatch: boolean): Set<StatesField> {
  const available = new Set<StatesField>(['input', 'context']);
  const resultReader = ['Task', 'Parallel', 'Map'].includes(type) && (field === 'Output' || field === 'Assign');
  if (inCatch) available.add('errorOutput');
  else if (resultReader) available.add('result');
  return available;
}

function expressionProblems(
  type: string,
  value: unknown,
  pointer: string,
  field: string,
  inCatch = false,
): DefinitionProblem[] {
  const { expressions, problems } = inspectTemplate(value);
  const out = problems.map((p) => schemaProblem(childPointer(pointer, ...p.at), p.message));
  const available = availability(type, field, inCatch);
  for (const expression of expressions) {
    for (const read of expression.facts.statesFields) {
      if (read === '*' || available.has(read)) continue;
      const where =
        read === 'errorOutput' ? 'only in a Catch' : 'only in the Output and Assign of Task, Parallel and Map states';
      out.push(
        schemaProblem(
          childPointer(pointer, ...expression.at),
          `'$states.${read}' is not available here: it can be read ${where}`,
        ),
      );
    }
  }
  return out;
}

/** Fields of a JSONata state whose strings may hold `{% %}` expressions. */
const EXPRESSION_FIELDS = [
  'Arguments',
  'Output',
  'Assign',
  'Items',
  'ItemSelector',
  'TimeoutSeconds',
  'HeartbeatSeconds',
  'Seconds',
  'Timestamp',
  'Error',
  'Cause',
  'MaxConcurrency',
  'ToleratedFailureCount',
  'ToleratedFailurePercentage',
];

/** Every problem of one JSONata state (raw). */
export function checkJsonataState(state: JsonObject, pointer: string): DefinitionProblem[] {
  const type = String(state.Type);
  const allowed = JSONATA_FIELDS[type];
  if (!allowed) return [];
  const problems = [
    ...fieldProblems(state, pointer, allowed, `a ${type} state`),
    ...literalProblems(type, state, pointer),
  ];
  for (const field of EXPRESSION_FIELDS) {
    if (state[field] !== undefined && allowed.includes(field))
      problems.push(...expressionProblems(type, state[field], childPointer(pointer, field), field));
  }
  if (isJsonObject(state.ItemBatcher))
    problems.push(...expressionProblems(type, state.ItemBatcher, childPointer(pointer, 'ItemBatcher'), 'ItemBatcher'));
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (!isJsonObject(catcher)) return;
      const at = childPointer(pointer, 'Catch', i);
      problems.push(...fieldProblems(catcher, at, CATCHER_FIELDS, 'a catcher'));
      for (const field of ['Output', 'Assign']) {
        if (catcher[field] !== undefined)
          problems.push(...expressionProblems(type, catcher[field], childPointer(at, field), field, true));
      }
    });
  }
  if (type === 'Choice' && Array.isArray(state.Choices)) {
    state.Choices.forEach((rule, i) => {
      if (!isJsonObject(rule)) return;
      const at = childPointer(pointer, 'Choices', i);
      problems.push(...fieldProblems(rule, at, RULE_FIELDS, 'a Choice rule'));
      if (rule.Condition === undefined || rule.Next === undefined) {
        problems.push(
          schemaProblem(
            at,
            `These fields are required: [${['Condition', 'Next'].filter((f) => rule[f] === undefined).join(', ')}]`,
          ),
        );
      }
      problems.push(...literalOrExpression(rule, 'Condition', at, (v) => typeof v === 'boolean', 'a boolean'));
      for (const field of ['Condition', 'Output', 'Assign']) {
        if (rule[field] !== undefined)
          problems.push(...expressionProblems(type, rule[field], childPointer(at, field), field));
      }
    });
  }
  return problems;
}
