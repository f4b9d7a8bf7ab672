import { DefinitionProblemCodes, type DefinitionProblem } from '../../../schemas/asl';
import { childPointer, isJsonObject, type ScopeVisit } from './walk';

/**
 * The state graph of each (sub-)machine, a closed scope: `StartAt`, every `Next`, `Default`,
 * Choice rule `Next` and Catch `Next` must name a state of the same scope; every state must be
 * reachable from `StartAt`; the top-level machine needs a terminal state; state names are unique
 * across the whole machine, and so are Map `Label`s. Codes and messages are AWS's.
 */

/** A transition out of a state: the target name and where it is written. */
interface Transition {
  target: string;
  pointer: string;
}

const NEXT_TYPES = new Set(['Task', 'Pass', 'Wait', 'Parallel', 'Map']);
const CATCH_TYPES = new Set(['Task', 'Parallel', 'Map']);

function missingTarget(target: string, pointer: string): DefinitionProblem {
  return {
    code: DefinitionProblemCodes.MISSING_TRANSITION_TARGET,
    path: pointer,
    message: `Missing 'Next' target: ${target}`,
  };
}

/** The transitions a raw state declares, in document order, per the fields its type accepts. */
function transitionsOf(state: unknown, pointer: string): Transition[] {
  if (!isJsonObject(state)) return [];
  const type = state.Type;
  const found: Transition[] = [];
  const add = (target: unknown, at: string): void => {
    if (typeof target === 'string') found.push({ target, pointer: at });
  };
  // A state of unknown Type is reported by the schema; follow its Next so reachability stays useful.
  const knownType = typeof type === 'string' && (NEXT_TYPES.has(type) || ['Choice', 'Succeed', 'Fail'].includes(type));
  if (!knownType || NEXT_TYPES.has(type as string)) add(state.Next, childPointer(pointer, 'Next'));
  if (type === 'Choice') {
    if (Array.isArray(state.Choices)) {
      state.Choices.forEach((rule, i) => {
        if (isJsonObject(rule)) add(rule.Next, childPointer(pointer, 'Choices', i, 'Next'));
      });
    }
    add(state.Default, childPointer(pointer, 'Default'));
  }
  if (CATCH_TYPES.has(type as string) && Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (isJsonObject(catcher)) add(catcher.Next, childPointer(pointer, 'Catch', i, 'Next'));
    });
  }
  return found;
}

function isTerminal(state: unknown): boolean {
  return isJsonObject(state) && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail');
}

/** Graph problems of one scope: dangling targets, no terminal state (top level only), unreachable states. */
export function checkScopeGraph(scope: ScopeVisit): DefinitionProblem[] {
  // Without a States object there is no graph to speak of; the schema reports what is missing.
  if (!isJsonObject(scope.machine.States)) return [];
  const names = new Set(scope.states.map((s) => s.name));
  const problems: DefinitionProblem[] = [];
  const startAt = scope.machine.StartAt;
  if (typeof startAt === 'string' && !names.has(startAt)) {
    problems.push(missingTarget(startAt, childPointer(scope.pointer, 'StartAt')));
  }
  const edges = new Map<string, string[]>();
  for (const { name, state, pointer } of scope.states) {
    const transitions = transitionsOf(state, pointer);
    edges.set(
      name,
      transitions.map((t) => t.target),
    );
    for (const t of transitions) if (!names.has(t.target)) problems.push(missingTarget(t.target, t.pointer));
  }
  if (typeof startAt !== 'string') return problems;
  // AWS checks terminal states on the top-level machine only; when there are none it reports
  // that alone instead of listing unreachable states. A state that is not even an object might
  // have been meant as the terminal one, so it suppresses the check (the schema reports it).
  const wellFormed = scope.states.every((s) => isJsonObject(s.state));
  if (scope.topLevel && wellFormed && !scope.states.some((s) => isTerminal(s.state))) {
    problems.push({
      code: DefinitionProblemCodes.MISSING_END_STATE,
      path: '',
      message: 'Workflow has no terminal state',
    });
    return problems;
  }
  const reached = new Set<string>();
  const queue = names.has(startAt) ? [startAt] : [];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const target of edges.get(name) ?? []) if (names.has(target) && !reached.has(target)) queue.push(target);
  }
  for (const { name, pointer } of scope.states) {
    if (!reached.has(name)) {
      problems.push({
        code: DefinitionProblemCodes.MISSING_TRANSITION_TARGET,
        path: pointer,
        message: `State "${name}" is not reachable.`,
      });
    }
  }
  return problems;
}

/** A state name used more than once anywhere in the machine, reported at every later use. */
export function checkDuplicateNames(scopes: readonly ScopeVisit[]): DefinitionProblem[] {
  const seen = new Set<string>();
  const problems: DefinitionProblem[] = [];
  for (const scope of scopes) {
    for (const { name, pointer } of scope.states) {
      if (seen.has(name)) {
        problems.push({
          code: DefinitionProblemCodes.DUPLICATE_STATE_NAME,
          path: pointer,
          message: `Duplicate State name: ${name}`,
        });
      }
      seen.add(name);
    }
  }
  return problems;
}

/** A Map `Label` used by more than one Map state anywhere in the machine, reported at every later use. */
export function checkDuplicateLabels(scopes: readonly ScopeVisit[]): DefinitionProblem[] {
  const seen = new Set<string>();
  const problems: DefinitionProblem[] = [];
  for (const scope of scopes) {
    for (const { state, pointer } of scope.states) {
      if (!isJsonObject(state) || state.Type !== 'Map' || typeof state.Label !== 'string') continue;
      if (seen.has(state.Label)) {
        problems.push({
          code: DefinitionProblemCodes.DUPLICATE_LABEL_NAME,
          path: childPointer(pointer, 'Label'),
          message: `Duplicate Label name: ${state.Label}`,
        });
      }
      seen.add(state.Label);
    }
  }
  return problems;
}
