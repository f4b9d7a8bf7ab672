import { payloadText } from './history';
import { checkPayloadSize } from './limits';
import { tryCatch } from './retry-catch';
import { asStatesError, BranchAbandoned, type Scope, type StateDef } from './scope';

/** What running one state decides: the output, and the next state (none when the machine ends). */
export interface StepResult {
  output: unknown;
  next?: string;
}

/** ISO time of "now" on the host clock. */
export function isoNow(scope: Scope): string {
  return new Date(scope.run.host.now()).toISOString();
}

/** Emits `<Type>StateEntered` with the raw state input; the branch is now in this state. */
export function emitEntered(scope: Scope, name: string, state: StateDef, input: unknown): void {
  const enteredId = scope.emit(`${state.Type}StateEntered`, 'stateEnteredEventDetails', {
    name,
    input: payloadText(input),
    inputDetails: { truncated: false },
  });
  scope.current = { name, type: state.Type, enteredId };
}

/**
 * Emits `<Type>StateExited` with the state output, after checking it against the payload limit
 * (`States.DataLimitExceeded`, which no Catch of this state sees).
 */
export function emitExited(scope: Scope, name: string, state: StateDef, output: unknown): void {
  const text = payloadText(output);
  checkPayloadSize(name, text);
  scope.emit(`${state.Type}StateExited`, 'stateExitedEventDetails', {
    name,
    output: text,
    outputDetails: { truncated: false },
  });
  scope.current = undefined;
}

/** Where the state's `Next`/`End` leads. */
export function transition(state: StateDef, output: unknown): StepResult {
  return state.End ? { output } : { output, next: state.Next as string };
}

/**
 * Runs the body of a state that may carry `Catch` (Task, Parallel, Map): entered/exited events
 * around it, and on failure the first matching catcher's `Next` with the error output.
 */
export async function runCatching(
  name: string,
  state: StateDef,
  input: unknown,
  scope: Scope,
  body: (enteredTime: string) => Promise<unknown>,
): Promise<StepResult> {
  const enteredTime = isoNow(scope);
  emitEntered(scope, name, state, input);
  let output: unknown;
  try {
    output = await body(enteredTime);
  } catch (err) {
    if (err instanceof BranchAbandoned) throw err;
    const failure = asStatesError(err);
    const caught = tryCatch(state, input, failure);
    if (!caught) throw failure;
    emitExited(scope, name, state, caught.output);
    return { output: caught.output, next: caught.next };
  }
  emitExited(scope, name, state, output);
  return transition(state, output);
}
