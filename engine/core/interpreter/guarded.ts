import { StatesErrors } from '../errors';
import { assignedVariablesDetails, commitAssignment, type Assignment } from '../variables';
import { payloadText } from './history';
import { checkPayloadSize } from './limits';
import { LocatedStatesError } from './machine';
import { locateEvaluationFailure, type Produced } from './query-language';
import { tryCatch } from './retry-catch';
import { asStatesError, BranchAbandoned, type Scope, type StateDef } from './scope';

/** What running one state decides: the output, and the next state (none when the machine ends). */
export interface StepResult {
  output: unknown;
  next?: string;
}

/** ISO time of "now" on the host clock. */
export function isoNow(scope: Scope): string {
  return scope.run.recorder.iso(scope.run.host.now());
}

/** Emits `<Type>StateEntered` with the raw state input; the branch is now in this state. */
export function emitEntered(scope: Scope, name: string, state: StateDef, input: unknown): void {
  const enteredPreviousId = scope.lastEventId;
  const enteredId = scope.emit(`${state.Type}StateEntered`, 'stateEnteredEventDetails', {
    name,
    input: payloadText(input),
    inputDetails: { truncated: false },
  });
  scope.current = { name, type: state.Type, enteredId, enteredPreviousId };
}

/**
 * Emits `<Type>StateExited` with the state output, after checking it against the payload limit
 * (`States.DataLimitExceeded`, which no Catch of this state sees). The variables the state
 * assigned (`Assign`) become visible now, and the event lists them (`assignedVariables`).
 */
export function emitExited(scope: Scope, name: string, state: StateDef, output: unknown, assigned?: Assignment): void {
  const text = payloadText(output);
  checkPayloadSize(name, text);
  if (assigned) commitAssignment(scope.variables, name, assigned);
  scope.emit(`${state.Type}StateExited`, 'stateExitedEventDetails', {
    name,
    output: text,
    outputDetails: { truncated: false },
    ...assignedVariablesDetails(assigned),
  });
  scope.current = undefined;
}

/** Where the state's `Next`/`End` leads. */
export function transition(state: StateDef, output: unknown): StepResult {
  return state.End ? { output } : { output, next: state.Next as string };
}

/**
 * Runs the body of a state that may carry `Catch` (Task, Parallel, Map): entered/exited events
 * around it, and on failure the first matching catcher's `Next` with the error output (and the
 * catcher's own `Assign`; the state's is skipped).
 */
export async function runCatching(
  name: string,
  state: StateDef,
  input: unknown,
  scope: Scope,
  body: (enteredTime: string) => Promise<Produced>,
): Promise<StepResult> {
  const enteredTime = isoNow(scope);
  emitEntered(scope, name, state, input);
  let produced: Produced;
  try {
    produced = await body(enteredTime);
  } catch (err) {
    if (err instanceof BranchAbandoned) throw err;
    const located = locateEvaluationFailure(
      err,
      name,
      scope,
      (cause) => new LocatedStatesError(StatesErrors.QueryEvaluationError, cause),
    );
    const failure = asStatesError(located);
    const catching = tryCatch(name, state, input, failure, scope, enteredTime);
    const caught = catching instanceof Promise ? await catching : catching;
    if (!caught) throw failure;
    emitExited(scope, name, state, caught.output, caught.assigned);
    return { output: caught.output, next: caught.next };
  }
  emitExited(scope, name, state, produced.output, produced.assigned);
  return transition(state, produced.output);
}
