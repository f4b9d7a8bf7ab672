import { StatesError } from '../errors';
import { HistoryRecorder } from './history';
import type { ExecutionInfo, InterpreterHost } from './types';

/** A state in a (sub-)machine, loosely typed: the plan was validated before it got here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StateDef = { Type: string } & Record<string, any>;

/** A (sub-)machine: the top level, a Parallel branch or a Map item processor. */
export interface MachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
}

/** Everything shared by all states of one execution. */
export interface RunContext {
  host: InterpreterHost;
  recorder: HistoryRecorder;
  execution: ExecutionInfo;
  executionInput: unknown;
}

/** Thrown inside a branch when a sibling failed and the whole Parallel/Map is being abandoned. */
export class BranchAbandoned extends Error {
  constructor() {
    super('branch abandoned');
    this.name = 'BranchAbandoned';
  }
}

/** Cooperative cancellation shared by the branches of one Parallel or Map state. */
export class AbortFlag {
  aborted = false;
  constructor(private readonly parent?: AbortFlag) {}

  /** True when this flag or any enclosing one has been raised. */
  get raised(): boolean {
    return this.aborted || (this.parent?.raised ?? false);
  }
}

/**
 * Where a state runs: the execution, the chain of `previousEventId`s for this branch, the
 * abort flag of the enclosing Parallel/Map, and the current Map item (for `$$.Map.Item`).
 */
export class Scope {
  constructor(
    readonly run: RunContext,
    public lastEventId: number,
    readonly abort: AbortFlag = new AbortFlag(),
  ) {}

  /** Emits an event chained to this branch's previous one. */
  emit(type: string, detailsKey?: string, details?: Record<string, unknown>): number {
    this.lastEventId = this.run.recorder.emit(type, this.lastEventId, detailsKey, details);
    return this.lastEventId;
  }

  /** Emits an event with a timestamp known only afterwards (e.g. `TaskStarted`). */
  emitAt(at: number, type: string, detailsKey?: string, details?: Record<string, unknown>): number {
    this.lastEventId = this.run.recorder.emitAt(at, type, this.lastEventId, detailsKey, details);
    return this.lastEventId;
  }

  /** A scope for a branch or iteration that starts after event `fromEventId`. */
  child(fromEventId: number, abort: AbortFlag): Scope {
    return new Scope(this.run, fromEventId, abort);
  }

  /** Stops this branch if a sibling failed. */
  checkAbandoned(): void {
    if (this.abort.raised) throw new BranchAbandoned();
  }
}

/** The Context object (`$$`) for a state, as Step Functions defines it. */
export function contextObject(
  scope: Scope,
  state: { name: string; enteredTime: string; retryCount: number },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { execution, executionInput } = scope.run;
  return {
    Execution: {
      Id: execution.id,
      Input: executionInput,
      Name: execution.name,
      RoleArn: execution.roleArn,
      StartTime: execution.startTime,
      RedriveCount: execution.redriveCount,
    },
    StateMachine: { Id: execution.stateMachineId, Name: execution.stateMachineName },
    State: { Name: state.name, EnteredTime: state.enteredTime, RetryCount: state.retryCount },
    ...extra,
  };
}

/** Normalises anything thrown into a StatesError (unknown errors become `States.Runtime`). */
export function asStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  if (typeof err === 'object' && err !== null && (err as { name?: string }).name === 'StatesError') {
    const e = err as StatesError;
    return new StatesError(e.error, e.cause);
  }
  return new StatesError('States.Runtime', err instanceof Error ? err.message : String(err));
}
