import { StatesError } from '../errors';
import { VariableScope } from '../variables';
import type { ExecutionBounds } from './bounds';
import type { StateProbe } from './pipeline';
import type { CompensationStack } from './compensation';
import type { AbortableStateType, EventBody } from '../../../schemas/history';
import { type HistoryRecorder } from './history';
import type { ResumePoint, StateFrame } from './resume';
import type { Abandonment, ExecutionInfo, InterpreterHost } from './types';

/** A state in a (sub-)machine, loosely typed: the plan was validated before it got here. */

export type StateDef = { Type: string } & Record<string, any>;

/** A (sub-)machine: the top level, a Parallel branch or a Map item processor. */
export interface MachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
  /** Map processors: `Mode` INLINE (default) or DISTRIBUTED. */
  ProcessorConfig?: { Mode?: string };
}

/** Everything shared by all states of one execution. */
export interface RunContext {
  host: InterpreterHost;
  recorder: HistoryRecorder;
  execution: ExecutionInfo;
  executionInput: unknown;
  /** The machine's `QueryLanguage` (default "JSONPath"): what a state without its own uses. */
  queryLanguage?: string;
  /** Yield cadence, branch budget and history cap of the execution (see bounds.ts). */
  bounds: ExecutionBounds;
  /** The execution's compensation stack (see compensation.ts). */
  compensations: CompensationStack;
  /** TestState's run of one state (see StateProbe); absent in executions. */
  probe?: StateProbe;
}

/** Thrown inside a branch when a sibling failed and the whole Parallel/Map is being abandoned. */
export class BranchAbandoned extends Error {
  constructor() {
    super('branch abandoned');
    this.name = 'BranchAbandoned';
  }
}

/** Cooperative cancellation shared by the branches of one Parallel or Map state. */
export class AbortFlag implements Abandonment {
  aborted = false;
  private listeners: (() => void)[] = [];

  constructor(private readonly parent?: AbortFlag) {
    parent?.onRaise(() => this.notify());
  }

  /** True when this flag or any enclosing one has been raised. */
  get raised(): boolean {
    return this.aborted || (this.parent?.raised ?? false);
  }

  /** Raises the flag: the branches under it stop, and the host cancels what they wait on. */
  raise(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.notify();
  }

  onRaise(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/** State types whose abandonment AWS records as `<Type>StateAborted`. */
const ABORTABLE_TYPES: ReadonlySet<string> = new Set<AbortableStateType>(['Task', 'Wait', 'Parallel', 'Map']);
const isAbortable = (type: string): type is AbortableStateType => ABORTABLE_TYPES.has(type);

/**
 * The state a branch is in between its `…StateEntered` and `…StateExited` events (a state that
 * failed stays here). `abortChildren` records the abandonment of a Parallel's or Map's own
 * branches when an enclosing branch is abandoned.
 */
export interface ActiveState {
  name: string;
  type: string;
  /** Id of the state's `…StateEntered` event (AWS cites it in runtime error causes). */
  enteredId: number;
  /** The event `…StateEntered` chained to (AWS chains `EvaluationFailed` to it too). */
  enteredPreviousId?: number;
  abortChildren?: (causeEventId: number) => void;
}

/**
 * Where a state runs: the execution, the chain of `previousEventId`s for this branch, the
 * abort flag of the enclosing Parallel/Map, and the state the branch is currently in.
 */
export class Scope {
  /** The state this branch is in (see ActiveState). */
  current?: ActiveState;
  /** The state this branch runs, with its input: what a redrive resumes from (see resume.ts). */
  frame?: StateFrame;
  /** A redrive's resume point for this branch, consumed by `runMachine` when it starts. */
  resume?: ResumePoint;
  /** A redrive's branches of the state about to run (Parallel/Map), consumed by `runBranches`. */
  resumeBranches?: ResumePoint['branches'];
  /** True for the execution's top-level scope: only there can a run continue as new. */
  isTop = false;

  constructor(
    readonly run: RunContext,
    public lastEventId: number,
    readonly abort: AbortFlag = new AbortFlag(),
    /** The workflow variables this branch reads and assigns (see VariableScope). */
    readonly variables: VariableScope = new VariableScope(),
  ) {}

  /**
   * Records that this branch was abandoned because of event `causeEventId`: the active state's
   * own branches first, then `TaskStateAborted`/`WaitStateAborted`/`ParallelStateAborted`/
   * `MapStateAborted`, all chained to the cause, as AWS records them.
   */
  recordAborted(causeEventId: number): void {
    const active = this.current;
    if (!active) return;
    active.abortChildren?.(causeEventId);
    if (isAbortable(active.type)) this.run.recorder.emit(causeEventId, { type: `${active.type}StateAborted` });
    this.current = undefined;
  }

  /** Emits an event chained to this branch's previous one. */
  emit(body: EventBody): number {
    this.lastEventId = this.run.recorder.emit(this.lastEventId, body);
    return this.lastEventId;
  }

  /** Emits an event with a timestamp known only afterwards (e.g. `TaskStarted`). */
  emitAt(at: number, body: EventBody): number {
    this.lastEventId = this.run.recorder.emitAt(at, this.lastEventId, body);
    return this.lastEventId;
  }

  /**
   * A scope for a branch or iteration that starts after event `fromEventId` (in `run`, by default
   * this execution), reading this scope's variables (`variables`, by default a nested scope).
   */
  child(
    fromEventId: number,
    abort: AbortFlag,
    run: RunContext = this.run,
    variables: VariableScope = this.variables.child(),
  ): Scope {
    return new Scope(run, fromEventId, abort, variables);
  }

  /** Stops this branch if a sibling failed. */
  checkAbandoned(): void {
    if (this.abort.raised) throw new BranchAbandoned();
  }
}

/** The Context object's `Execution` and `StateMachine` of the last execution that made one. */
let lastExecution: { execution: ExecutionInfo; input: unknown; parts: Record<string, unknown> } | undefined;

/**
 * The `Execution` and `StateMachine` members of an execution's Context objects: made once and
 * shared by its states (nothing changes a value once built), as its input always was.
 */
function executionParts(execution: ExecutionInfo, input: unknown): Record<string, unknown> {
  if (lastExecution?.execution !== execution || lastExecution.input !== input) {
    const parts = {
      Execution: {
        Id: execution.id,
        Input: input,
        Name: execution.name,
        RoleArn: execution.roleArn,
        StartTime: execution.startTime,
        RedriveCount: execution.redriveCount,
      },
      StateMachine: { Id: execution.stateMachineId, Name: execution.stateMachineName },
    };
    lastExecution = { execution, input, parts };
  }
  return lastExecution.parts;
}

/**
 * The Context object (`$$`) for a state, as Step Functions defines it. `State.RetryCount` is
 * present only for states that can retry (Task, Parallel, Map); AWS omits it elsewhere.
 */
export function contextObject(
  scope: Scope,
  state: { name: string; enteredTime: string; retryCount?: number },
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const { execution, executionInput, probe } = scope.run;
  if (probe) return probe.context;
  const { Execution, StateMachine } = executionParts(execution, executionInput);
  const { name: Name, enteredTime: EnteredTime, retryCount: RetryCount } = state;
  const State = RetryCount === undefined ? { Name, EnteredTime } : { Name, EnteredTime, RetryCount };
  const context = { Execution, StateMachine, State };
  return extra ? Object.assign(context, extra) : context;
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
