import { StatesError, StatesErrors } from '../errors';
import { QueryEvaluationFailure } from '../jsonata';
import { asStatesError, BranchAbandoned, type Scope } from './scope';

/** Errors whose cause AWS prefixes with the state and the id of its entered event. */
const LOCATED_ERRORS = new Set<string>([StatesErrors.Runtime, StatesErrors.QueryEvaluationError]);

/** A runtime error whose cause already names the state it happened in. */
export class LocatedStatesError extends StatesError {}

/**
 * Turns a JSONata evaluation failure of state `name` into the error AWS reports: the cause
 * prefixed with the state and its entered event, after an `EvaluationFailed` event (chained, as
 * AWS chains it, to the event before `…StateEntered`). Other errors pass through.
 */
export function locateEvaluationFailure(err: unknown, name: string, scope: Scope): unknown {
  if (!(err instanceof QueryEvaluationFailure)) return err;
  const active = scope.current;
  if (!active || active.name !== name) return err;
  const cause = `An error occurred while executing the state '${name}' (entered at the event id #${active.enteredId}). ${err.cause}`;
  scope.lastEventId = scope.run.recorder.emit(active.enteredPreviousId ?? scope.lastEventId, {
    type: 'EvaluationFailed',
    evaluationFailedEventDetails: { cause, error: err.error, location: err.location, state: name },
  });
  return new LocatedStatesError(StatesErrors.QueryEvaluationError, cause);
}

/**
 * AWS reports `States.Runtime` (and `States.QueryEvaluationError`) with the cause prefixed by
 * "An error occurred while executing the state '<name>' (entered at the event id #<id>). ";
 * an error that already carries a prefix (raised in a nested branch) keeps it.
 */
export function locate(err: unknown, name: string, scope: Scope): unknown {
  if (err instanceof BranchAbandoned) return err;
  const evaluated = locateEvaluationFailure(err, name, scope);
  if (evaluated !== err) return evaluated;
  const failure = asStatesError(err);
  if (failure instanceof LocatedStatesError || !LOCATED_ERRORS.has(failure.error)) return failure;
  const active = scope.current;
  if (!active || active.name !== name) return failure;
  return new LocatedStatesError(
    failure.error,
    `An error occurred while executing the state '${name}' (entered at the event id #${active.enteredId}). ${failure.cause}`,
  );
}
