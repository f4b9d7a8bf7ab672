import { STATE_NAME_MAX_LENGTH, type DefinitionProblem } from '../../../schemas/asl';
import { StatesErrors } from '../errors';
import { checkMap } from './map';
import { schemaProblem } from './problem';
import { childPointer, isJsonObject, type JsonObject, type StateVisit } from './walk';

/**
 * Cross-field rules of one state that a per-field schema cannot express: `Next` xor `End`, a
 * field and its `…Path` twin, Wait's one-of-four, Map's rules (`validate-map`), Heartbeat < Timeout,
 * `States.ALL` placement, and the query language. Each rule reads the raw state defensively and
 * stays silent about fields of the wrong type (the schema reports those).
 */

/** State types that take `Next` or `"End": true`. */
const TRANSITIONING_TYPES = new Set(['Task', 'Pass', 'Wait', 'Parallel', 'Map']);
/** State types that take `Retry` and `Catch`. */
const ERROR_HANDLING_TYPES = new Set(['Task', 'Parallel', 'Map']);
/** Wait's four ways to say how long; exactly one must be set. */
const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'] as const;

/** Fields that exclude each other, per state type. */
const EXCLUSIVE_PAIRS: Record<string, Array<[string, string]>> = {
  Task: [
    ['TimeoutSeconds', 'TimeoutSecondsPath'],
    ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ],
  Map: [
    ['ItemProcessor', 'Iterator'],
    ['ItemSelector', 'Parameters'],
    ['MaxConcurrency', 'MaxConcurrencyPath'],
    ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
    ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ],
  Fail: [
    ['Error', 'ErrorPath'],
    ['Cause', 'CausePath'],
  ],
};

function exclusive(object: JsonObject, pointer: string, pairs: Array<[string, string]>): DefinitionProblem[] {
  return pairs
    .filter(([a, b]) => object[a] !== undefined && object[b] !== undefined)
    .map(([a, b]) => schemaProblem(pointer, `Fields '${a}' and '${b}' cannot both be set`));
}

function checkLanguage(visit: StateVisit, state: JsonObject, machineLanguage: string): DefinitionProblem[] {
  if (state.QueryLanguage === 'JSONPath' && machineLanguage === 'JSONata') {
    return [
      schemaProblem(visit.pointer, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"),
    ];
  }
  return [];
}

function checkTransition(type: string, state: JsonObject, pointer: string): DefinitionProblem[] {
  if (!TRANSITIONING_TYPES.has(type)) return [];
  const hasNext = state.Next !== undefined;
  const hasEnd = state.End === true;
  if (hasNext && hasEnd) return [schemaProblem(pointer, `A ${type} state cannot have both 'Next' and 'End'`)];
  if (!hasNext && !hasEnd) return [schemaProblem(pointer, `A ${type} state must have either 'Next' or 'End': true`)];
  return [];
}

function checkTimeouts(state: JsonObject, pointer: string): DefinitionProblem[] {
  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = state;
  // Compare only values the schema accepted; a malformed one is already reported.
  const valid = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
  if (valid(timeout) && valid(heartbeat) && heartbeat >= timeout) {
    return [
      schemaProblem(
        childPointer(pointer, 'HeartbeatSeconds'),
        "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
      ),
    ];
  }
  return [];
}

function checkWait(state: JsonObject, pointer: string): DefinitionProblem[] {
  const set = WAIT_FIELDS.filter((f) => state[f] !== undefined);
  if (set.length === 1) return [];
  const all = WAIT_FIELDS.map((f) => `'${f}'`).join(', ');
  if (set.length === 0) return [schemaProblem(pointer, `A Wait state needs exactly one of ${all}`)];
  return [
    schemaProblem(pointer, `A Wait state needs exactly one of ${all}; found ${set.map((f) => `'${f}'`).join(', ')}`),
  ];
}

function checkCredentials(state: JsonObject, pointer: string): DefinitionProblem[] {
  const credentials = state.Credentials;
  if (!isJsonObject(credentials)) return [];
  const at = childPointer(pointer, 'Credentials');
  if (credentials.RoleArn === undefined && credentials['RoleArn.$'] === undefined) {
    return [schemaProblem(at, 'These fields are required: [RoleArn]')];
  }
  return exclusive(credentials, at, [['RoleArn', 'RoleArn.$']]);
}

/**
 * `States.ALL` must be the only name in its `ErrorEquals` and appear in the last retrier or
 * catcher of its list (`field` is "Retry" or "Catch").
 */
export function checkErrorHandlers(handlers: unknown, pointer: string, field: 'Retry' | 'Catch'): DefinitionProblem[] {
  if (!Array.isArray(handlers)) return [];
  const problems: DefinitionProblem[] = [];
  const noun = field === 'Retry' ? 'retrier' : 'catcher';
  handlers.forEach((handler, i) => {
    if (!isJsonObject(handler) || !Array.isArray(handler.ErrorEquals)) return;
    if (!handler.ErrorEquals.includes(StatesErrors.ALL)) return;
    const at = childPointer(pointer, field, i);
    if (handler.ErrorEquals.length > 1) {
      problems.push(
        schemaProblem(
          childPointer(at, 'ErrorEquals'),
          `'${StatesErrors.ALL}' must be the only error name in 'ErrorEquals'`,
        ),
      );
    }
    if (i !== handlers.length - 1) {
      problems.push(schemaProblem(at, `A ${noun} with '${StatesErrors.ALL}' must be the last one in '${field}'`));
    }
  });
  return problems;
}

function checkName(visit: StateVisit): DefinitionProblem[] {
  const length = [...visit.name].length;
  if (length >= 1 && length <= STATE_NAME_MAX_LENGTH) return [];
  return [
    schemaProblem(
      visit.pointer,
      `State name '${visit.name}' must be between 1 and ${STATE_NAME_MAX_LENGTH} characters long`,
    ),
  ];
}

/** Every cross-field problem of one state (query-language independent rules). */
export function checkState(visit: StateVisit, machineLanguage: string): DefinitionProblem[] {
  const problems = checkName(visit);
  const state = visit.state;
  if (!isJsonObject(state) || typeof state.Type !== 'string') return problems;
  const { pointer } = visit;
  const type = state.Type;
  problems.push(...checkLanguage(visit, state, machineLanguage));
  problems.push(...checkTransition(type, state, pointer));
  problems.push(...exclusive(state, pointer, EXCLUSIVE_PAIRS[type] ?? []));
  if (type === 'Task') {
    problems.push(...checkTimeouts(state, pointer), ...checkCredentials(state, pointer));
    if (isJsonObject(state.Compensate)) {
      problems.push(...checkErrorHandlers(state.Compensate.Retry, childPointer(pointer, 'Compensate'), 'Retry'));
    }
  }
  if (type === 'Wait') problems.push(...checkWait(state, pointer));
  if (type === 'Map') problems.push(...checkMap(state, pointer));
  if (ERROR_HANDLING_TYPES.has(type)) {
    problems.push(
      ...checkErrorHandlers(state.Retry, pointer, 'Retry'),
      ...checkErrorHandlers(state.Catch, pointer, 'Catch'),
    );
  }
  return problems;
}
