import { StatesError, StatesErrors } from '../errors';
import { locate } from './located';
import type { VariableScope } from '../variables';
import { ExecutionBounds } from './bounds';
import { CompensationStack } from './compensation';
import { HistoryRecorder } from './history';
import { runState, type StateProbe, type StepResult } from './pipeline';
import { Scope, type MachineDef, type StateDef } from './scope';
import type { ExecutionInfo, InterpreterHost } from './types';
import { ContinuationRequested } from './continuation';
import { compileMachine, compileState } from './compiled';

/**
 * Events that may pile up before the host is asked to write them (Pass/Choice/Succeed loops
 * produce events without any Task or Wait to carry them): keeps each write small.
 */
export const MAX_PENDING_EVENTS = 500;

/**
 * Walks a (sub-)machine from `StartAt`, state by state, until a state ends it (`End`, Succeed)
 * or an error escapes (uncaught, or a Fail state). Returns the final output.
 */
export async function runMachine(machine: MachineDef, input: unknown, scope: Scope): Promise<unknown> {
  // A redrive resumes where this branch stood, with the input and variables it had there.
  const compiled = compileMachine(machine, scope.run.queryLanguage);
  const resume = scope.resume;
  scope.resume = undefined;
  if (resume?.variables) scope.variables.assign(resume.variables, {});
  let name = resume?.state ?? compiled.startAt;
  let data = resume ? resume.input : input;
  let resumeBranches = resume?.branches;
  for (let states = 0; ; states++) {
    // Before every state: the history cap, and a yield to the host every so many states.
    const yielding = scope.run.bounds.step(scope.run.recorder.lastId);
    if (yielding) await yielding;
    scope.checkAbandoned();
    const node = compiled.nodes.get(name);
    if (!node?.runner) throw new StatesError(StatesErrors.Runtime, `State '${name}' cannot be run`);
    scope.frame = { name, input: data, variables: scope.variables.ownVariables() };
    // A top-level boundary (after at least one state of this run): the host may hand over to a new run.
    if (scope.isTop && states > 0 && scope.run.host.continueAsNew?.()) throw new ContinuationRequested();
    scope.resumeBranches = resumeBranches;
    resumeBranches = undefined;
    let step: StepResult;
    try {
      step = await runState(node, data, scope, runMachine);
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

/** One state run on its own (TestState): see runOneState. */
export interface OneState {
  name: string;
  /** The state as compiled (its `QueryLanguage` resolved). */
  state: StateDef;
  input: unknown;
  /** The workflow variables it sees (and assigns into). */
  variables: VariableScope;
  execution: ExecutionInfo;
  host: InterpreterHost;
  probe: StateProbe;
}

/**
 * Runs one state through the same pipeline and runner as an execution does, with `probe`
 * watching (and, for a mock, replacing) its effect. Resolves with its output and next state;
 * rejects with its uncaught error, or RetryDeferred when a retrier would retry it.
 */
export function runOneState({ name, state, input, variables, execution, host, probe }: OneState): Promise<StepResult> {
  const run = {
    host,
    recorder: new HistoryRecorder(() => host.now()),
    execution,
    executionInput: input,
    bounds: new ExecutionBounds(host),
    compensations: new CompensationStack(),
    probe,
  };
  const scope = new Scope(run, 0, undefined, variables);
  return runState(compileState(name, state, undefined), input, scope, runMachine);
}
