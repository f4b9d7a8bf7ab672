import type { CompensationStep } from './compensation';
import type { ResumePoint } from './resume';

/**
 * Where an execution stood when its workflow continued as new (see docs/architecture.md,
 * "Continue-as-new"): the next top-level state with its input and variables, the ids that chain
 * the history on without a gap, the compensation stack and the execution's deadline. The next run
 * starts from here and records nothing for the hand-over: to the user it is one execution with
 * one history.
 */
export interface Continuation {
  /** The top-level state the next run enters, with its input and the top-level variables. */
  resume: ResumePoint;
  /** Id of the last history event the previous runs recorded: the next run continues after it. */
  lastEventId: number;
  /** The event the next state's `…StateEntered` chains to (`previousEventId`). */
  previousEventId: number;
  /** The saga compensation stack, in push order. */
  compensations: CompensationStep[];
  /** Epoch ms at which the execution's `TimeoutSeconds` runs out (absent: no timeout). */
  deadline?: number;
  /** How many runs came before the next one (1 for the first continuation). */
  runs: number;
}

/**
 * Thrown by the top-level `runMachine` at a state boundary when the host asks to continue as
 * new: nothing of the next state has run or been recorded (see `InterpreterHost.continueAsNew`).
 */
export class ContinuationRequested extends Error {
  constructor() {
    super('continue as new');
    this.name = 'ContinuationRequested';
  }
}
