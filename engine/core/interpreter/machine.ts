import { StatesError, StatesErrors } from '../errors';
import type { StepResult } from './guarded';
import { locateEvaluationFailure } from './query-language';
import { ContinuationRequested } from './continuation';
import { asStatesError, BranchAbandoned, type MachineDef, type Scope, type StateDef } from './scope';
import { runChoice } from './states/choice';
import { runFail } from './states/fail';
import { runMap } from './states/map';
import { runParallel } from './states/parallel';
import { runPass } from './states/pass';
import { runSucceed } from './states/succeed';
import { runTask } from './states/task';
import { runWait } from './states/wait';

/**
 * Events that may pile up before the host is asked to write them (Pass/Choice/Succeed loops
 * produce events without any Task or Wait to carry them): keeps each write small.
 */
export const MAX_PENDING_EVENTS = 500;

type StateRunner = (name: string, state: StateDef, input: unknown, scope: Scope) => Promise<StepResult>;

/** One runner per ASL state `Type`. */
const RUNNERS: Record<string, StateRunner> = {
  Pass: runPass,
  Task: runTask,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

/** Errors whose cause AWS prefixes with the state and the id of its entered event. */
const LOCATED_ERRORS = new Set<string>([StatesErrors.Runtime, StatesErrors.QueryEvaluationError]);

/** A runtime error whose cause already names the state it happened in. */
export class LocatedStatesError extends StatesError {}

/**
 * AWS reports `States.Runtime` (and `States.QueryEvaluationError`) with the cause prefixed by
 * "An error occurred while executing the state '<name>' (entered at the event id #<id>). ";
 * an error that already carries a prefix (raised in a nested branch) keeps it.
 */
function locate(err: unknown, name: string, scope: Scope): unknown {
  if (err instanceof BranchAbandoned) return err;
  const evaluated = locateEvaluationFailure(
    err,
    name,
    scope,
    (cause) => new LocatedStatesError(StatesErrors.QueryEvaluationError, cause),
  );
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

/**
 * Walks a (sub-)machine from `StartAt`, state by state, until a state ends it (`End`, Succeed)
 * or an error escapes (uncaught, or a Fail state). Returns the final output.
 */
export async function runMachine(machine: MachineDef, input: unknown, scope: Scope): Promise<unknown> {
  // A redrive resumes where this branch stood, with the input and variables it had there.
  const resume = scope.resume;
  scope.resume = undefined;
  if (resume?.variables) scope.variables.assign(resume.variables, {});
  let name = resume?.state ?? machine.StartAt;
  let data = resume ? resume.input : input;
  let resumeBranches = resume?.branches;
  for (let states = 0; ; states++) {
    // Before every state: the history cap, and a yield to the host every so many states.
    const yielding = scope.run.bounds.step(scope.run.recorder.lastId);
    if (yielding) await yielding;
    scope.checkAbandoned();
    const state = machine.States[name];
    const runner = state && RUNNERS[state.Type];
    if (!runner) throw new StatesError(StatesErrors.Runtime, `State '${name}' cannot be run`);
    scope.frame = { name, input: data, variables: scope.variables.ownVariables() };
    // A top-level boundary (after at least one state of this run): the host may hand over to a new run.
    if (scope.isTop && states > 0 && scope.run.host.continueAsNew?.()) throw new ContinuationRequested();
    scope.resumeBranches = resumeBranches;
    resumeBranches = undefined;
    let step: StepResult;
    try {
      step = await runner(name, state, data, scope);
    } catch (err) {
      throw locate(err, name, scope);
    }
    const { recorder, host } = scope.run;
    if (recorder.pendingCount >= MAX_PENDING_EVENTS && host.flush) {
      // A history nobody keeps (a Distributed Map child) is dropped; the host writes its own.
      if (!recorder.keeps) recorder.takePending();
      await host.flush();
    }
    if (step.next === undefined) return step.output;
    name = step.next;
    data = step.output;
  }
}
