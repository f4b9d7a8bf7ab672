import { StatesError, StatesErrors } from '../errors';
import type { StepResult } from './guarded';
import type { MachineDef, Scope, StateDef } from './scope';
import { runChoice } from './states/choice';
import { runFail } from './states/fail';
import { runMap } from './states/map';
import { runParallel } from './states/parallel';
import { runPass } from './states/pass';
import { runSucceed } from './states/succeed';
import { runTask } from './states/task';
import { runWait } from './states/wait';

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

/**
 * Walks a (sub-)machine from `StartAt`, state by state, until a state ends it (`End`, Succeed)
 * or an error escapes (uncaught, or a Fail state). Returns the final output.
 */
export async function runMachine(machine: MachineDef, input: unknown, scope: Scope): Promise<unknown> {
  let name = machine.StartAt;
  let data = input;
  for (;;) {
    scope.checkAbandoned();
    const state = machine.States[name];
    const runner = state && RUNNERS[state.Type];
    if (!runner) throw new StatesError(StatesErrors.Runtime, `State '${name}' cannot be run`);
    const step = await runner(name, state, data, scope);
    if (step.next === undefined) return step.output;
    name = step.next;
    data = step.output;
  }
}
