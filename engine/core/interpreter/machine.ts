import { StatesError, StatesErrors } from '../errors';
import { locate } from './located';
import { runState, type StateRunner, type StepResult } from './pipeline';
import type { MachineDef, Scope } from './scope';
import { choiceRunner } from './states/choice';
import { failRunner } from './states/fail';
import { mapRunner } from './states/map';
import { parallelRunner } from './states/parallel';
import { passRunner } from './states/pass';
import { succeedRunner } from './states/succeed';
import { taskRunner } from './states/task';
import { waitRunner } from './states/wait';
import { ContinuationRequested } from './continuation';

/**
 * Events that may pile up before the host is asked to write them (Pass/Choice/Succeed loops
 * produce events without any Task or Wait to carry them): keeps each write small.
 */
export const MAX_PENDING_EVENTS = 500;

/** One runner per ASL state `Type`: the state's own effect (the pipeline does the rest). */
const RUNNERS: Record<string, StateRunner<unknown>> = {
  Pass: passRunner,
  Task: taskRunner,
  Choice: choiceRunner,
  Wait: waitRunner,
  Succeed: succeedRunner,
  Fail: failRunner,
  Parallel: parallelRunner,
  Map: mapRunner,
};

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
      step = await runState(name, state, data, scope, runner, runMachine);
    } catch (err) {
      throw locate(err, name, scope);
    }
    const { recorder, host } = scope.run;
    if (recorder.pendingCount >= (host.flushAfterEvents?.() ?? MAX_PENDING_EVENTS) && host.flush) {
      // A history nobody keeps (a Distributed Map child) is dropped; the host writes its own.
      if (!recorder.keeps) recorder.takePending();
      await host.flush();
    }
    if (step.next === undefined) return step.output;
    name = step.next;
    data = step.output;
  }
}
