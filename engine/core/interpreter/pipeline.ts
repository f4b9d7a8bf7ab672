import type { EventBodyOf, StateTypeName } from '../../../schemas/history';
import type { StatesError } from '../errors';
import { findCatcher } from '../retry';
import { assignedVariablesDetails, commitAssignment, type Assignment } from '../variables';
import type { StateNode } from './compiled';
import {
  type Catcher,
  type ChoiceDecision,
  type DataFlow,
  type Entry,
  type MaybePromise,
  type OutputSpec,
} from './flow';
import { NOT_TRUNCATED, payloadText } from './history';
import { StageRecorder } from './inspection';
import { checkPayloadSize } from './limits';
import { locateEvaluationFailure } from './located';
import { RetryDeferred, withRetry } from './retry-catch';
import { asStatesError, BranchAbandoned, contextObject, type MachineDef, type Scope, type StateDef } from './scope';

/** What running one state decides: the output, and the next state (none when the machine ends). */
export interface StepResult {
  output: unknown;
  next?: string;
}

/** Runs a (sub-)machine: how Parallel and Map run their branches. */
export type RunMachine = (machine: MachineDef, input: unknown, scope: Scope) => Promise<unknown>;

/** One attempt of a state, as its runner sees it. */
export interface StateIO {
  e: Entry;
  flow: DataFlow;
  /** The effective input (JSONPath `InputPath`; JSONata: the input). */
  effective: unknown;
  /** `Parameters`/`Arguments` evaluated (the effective input when the state has none). */
  params: unknown;
  /** Id of the state's `…StateEntered` event. */
  enteredId: number;
  /** The task token of this attempt (Task with a callback resource). */
  token?: string;
  runMachine: RunMachine;
  /** Set by the runner: where the state leads (Choice), else its `Next`/`End`. */
  next?: string;
  /** Set by the runner: how the output stage treats its result (else the runner's `spec`). */
  spec?: OutputSpec;
  /** Set by the runner: a durable wait after the effect (Wait). */
  sleepMs?: number;
  /** Set by the Choice runner: which rule matched and what each evaluated rule compared. */
  choice?: ChoiceDecision;
}

/**
 * One ASL state type: only its own effect. The pipeline (`runState`) applies everything else,
 * for every type alike: the entered/exited events, the data flow (InputPath → Parameters/Arguments
 * → effect → ResultSelector → ResultPath → OutputPath/Output), Assign, Retry and Catch.
 */
export interface StateRunner<P = unknown> {
  /** Task, Parallel, Map: `Retry` around each attempt, `Catch` around them all. */
  retryable?: boolean;
  /** The state evaluates `Parameters`/`Arguments` before its effect. */
  parameters?: boolean;
  /** How the output stage treats the result. */
  spec?: OutputSpec;
  /** Extra Context object members of an attempt (the Task token), minted before anything is evaluated. */
  context?(state: StateDef, scope: Scope): { token: string; extra: Record<string, unknown> } | undefined;
  /** Evaluates what the effect needs (asynchronous only where the query language is). */
  prepare?(io: StateIO): MaybePromise<P>;
  /** The state's effect: returns its result. */
  act(io: StateIO, prepared: P): MaybePromise<unknown>;
}

/**
 * TestState's hooks into one run of one state (engine/service/test-state.ts); absent in every
 * execution. The run makes one attempt: a retrier with attempts left after `retryCount` retries
 * defers (RetryDeferred) instead of sleeping; the stages, retrier and catcher are recorded here.
 */
export interface StateProbe {
  /** Retries the matching retrier already made. */
  retryCount: number;
  /** The Context object the state sees, in place of the execution's. */
  context: Record<string, unknown>;
  /** Replaces the state's effect (a mocked Task, Parallel or Map); `prepare` is the runner's own. */
  effect?(io: StateIO, prepare: () => MaybePromise<unknown>): MaybePromise<unknown>;
  /** Set by the pipeline: the data-flow stages of the attempt. */
  inspection?: StageRecorder;
  /** Set by the pipeline: the retrier that matched, and the backoff when it defers. */
  retryIndex?: number;
  backoffSeconds?: number;
  /** Set by the pipeline: the catcher that caught, and the error it caught. */
  catchIndex?: number;
  caught?: StatesError;
  /** Set by the pipeline: the state assigned variables (`Assign`). */
  assigned?: boolean;
}

/** ISO time of "now" on the host clock. */
export function isoNow(scope: Scope): string {
  return scope.run.recorder.iso(scope.run.host.now());
}

/** The state types (validation admits only the eight). */
const STATE_TYPES: readonly StateTypeName[] = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

/**
 * The `…StateEntered` and `…StateExited` event types of each state type, made once: every event
 * keeps its type until the execution ends, and a type concatenated per event was a string of its own.
 */
const STATE_EVENTS = Object.fromEntries(
  STATE_TYPES.map((type) => [type, { entered: `${type}StateEntered`, exited: `${type}StateExited` } as const]),
) as { [T in StateTypeName]: { entered: `${T}StateEntered`; exited: `${T}StateExited` } };

/** The state's event types by its type. */
const stateEvents = (state: StateDef) => STATE_EVENTS[state.Type as StateTypeName];

/** Emits `<Type>StateEntered` with the raw state input; the branch is now in this state. */
function emitEntered(scope: Scope, name: string, state: StateDef, input: unknown): number {
  const enteredPreviousId = scope.lastEventId;
  const enteredId = scope.emit({
    type: stateEvents(state).entered,
    stateEnteredEventDetails: { name, input: payloadText(input), inputDetails: NOT_TRUNCATED },
  });
  scope.current = { name, type: state.Type, enteredId, enteredPreviousId };
  return enteredId;
}

/** The details of a `…StateExited` event. */
type StateExitedDetails = EventBodyOf<'PassStateExited'>['stateExitedEventDetails'];

/**
 * Emits `<Type>StateExited` with the state output, after checking it against the payload limit
 * (`States.DataLimitExceeded`, which no Catch of this state sees). The variables the state
 * assigned (`Assign`) become visible now, and the event lists them (`assignedVariables`).
 */
function emitExited(
  scope: Scope,
  name: string,
  state: StateDef,
  output: unknown,
  assigned?: Assignment,
  stepflow?: Record<string, unknown>,
): void {
  const text = payloadText(output);
  checkPayloadSize(name, text, output);
  if (assigned) {
    commitAssignment(scope.variables, name, assigned);
    if (scope.run.probe) scope.run.probe.assigned = true;
  }
  // One literal per shape, no spread in the middle of one: V8 builds such a literal on a slow path
  // (a tenth of a state's time in a Pass/Choice loop), and a member added afterwards costs too.
  let details: StateExitedDetails;
  if (assigned) {
    details = { name, output: text, outputDetails: NOT_TRUNCATED, ...assignedVariablesDetails(assigned) };
    if (stepflow) details.stepflow = stepflow;
  } else if (stepflow) details = { name, output: text, outputDetails: NOT_TRUNCATED, stepflow };
  else details = { name, output: text, outputDetails: NOT_TRUNCATED };
  scope.emit({ type: stateEvents(state).exited, stateExitedEventDetails: details });
  scope.current = undefined;
}

/** Where the state leads: the runner's choice, else its `Next`/`End`. */
function transition(state: StateDef, io: StateIO, output: unknown): StepResult {
  if (io.next !== undefined) return { output, next: io.next };
  return state.End ? { output } : { output, next: state.Next as string };
}

function entry(name: string, state: StateDef, input: unknown, scope: Scope, ctx: Record<string, unknown>): Entry {
  const inspection = new StageRecorder();
  const { probe } = scope.run;
  if (probe) probe.inspection ??= inspection;
  return { name, state, input, ctx, scope, variables: scope.variables.visible(), inspection };
}

/** The exit event's `stepflow` extension of an attempt: its data-flow stages and Choice decision. */
function extension(io: StateIO | undefined): Record<string, unknown> | undefined {
  if (!io) return undefined;
  const inspection = (io.e.inspection as StageRecorder).changed();
  const { choice } = io;
  if (!inspection) return choice && { choice };
  return choice ? { inspection, choice } : { inspection };
}

/**
 * The steps of one attempt: data flow in, the effect, data flow out. Every maybe-promise is
 * awaited only when it is one: the number of awaits decides how concurrent branches interleave,
 * which replays depend on.
 */
async function attempt<P>(io: StateIO, runner: StateRunner<P>): Promise<{ output: unknown; assigned?: Assignment }> {
  const { flow, e } = io;
  if (runner.parameters) {
    const params = flow.parameters(e, io.effective);
    io.params = params instanceof Promise ? await params : params;
    if (io.params !== io.effective) e.inspection.record(flow.parametersStage, io.params);
  }
  const effect = e.scope.run.probe?.effect;
  let result: unknown;
  if (effect) {
    result = effect(io, () => runner.prepare?.(io));
  } else {
    let prepared = runner.prepare?.(io) as MaybePromise<P>;
    if (prepared instanceof Promise) prepared = await prepared;
    result = runner.act(io, prepared);
  }
  if (result instanceof Promise) result = await result;
  if (io.sleepMs !== undefined) {
    await io.e.scope.run.host.sleep(io.sleepMs, io.e.scope.abort, !io.e.scope.run.recorder.keeps);
    io.e.scope.checkAbandoned();
  }
  return flow.output(e, result, io.spec ?? runner.spec);
}

function newIO(e: Entry, flow: DataFlow, enteredId: number, runMachine: RunMachine): StateIO {
  return { e, flow, effective: undefined, params: undefined, enteredId, runMachine };
}

/** A state without Retry/Catch (Pass, Choice, Wait, Succeed, Fail): one attempt between its events. */
async function runPlain(node: StateNode, input: unknown, scope: Scope, runMachine: RunMachine): Promise<StepResult> {
  const { name, state, runner, flow } = node;
  const ctx = contextObject(scope, { name, enteredTime: isoNow(scope) });
  const enteredId = emitEntered(scope, name, state, input);
  const e = entry(name, state, input, scope, ctx);
  e.inspection.record('input', input);
  const io = newIO(e, flow, enteredId, runMachine);
  io.effective = flow.effective(e);
  io.params = io.effective;
  if (runner.parameters) {
    const params = flow.parameters(e, io.effective);
    io.params = params instanceof Promise ? await params : params;
    if (io.params !== io.effective) e.inspection.record(flow.parametersStage, io.params);
  }
  let prepared = runner.prepare?.(io);
  if (prepared instanceof Promise) prepared = await prepared;
  let result = runner.act(io, prepared);
  if (result instanceof Promise) result = await result;
  if (io.sleepMs !== undefined) {
    await scope.run.host.sleep(io.sleepMs, scope.abort, !scope.run.recorder.keeps);
    scope.checkAbandoned();
  }
  let produced = flow.output(e, result, io.spec ?? runner.spec);
  if (produced instanceof Promise) produced = await produced;
  emitExited(scope, name, state, produced.output, produced.assigned, extension(io));
  return transition(state, io, produced.output);
}

/**
 * Applies the state's `Catch` rules to `failure` (synchronously in JSONPath: an await there would
 * change how concurrent branches interleave): the first catcher whose `ErrorEquals` matches sends
 * the execution to its `Next` with the output the data flow builds from the error. Undefined when
 * no catcher matches.
 */
function tryCatch(
  { name, state, flow }: StateNode,
  input: unknown,
  failure: StatesError,
  scope: Scope,
  enteredTime: string,
): ReturnType<DataFlow['caught']> | undefined {
  const catchers = (state.Catch ?? []) as Catcher[];
  const index = findCatcher(catchers, failure.error);
  if (index < 0) return undefined;
  const { probe } = scope.run;
  if (probe) Object.assign(probe, { catchIndex: index, caught: failure });
  const ctx = contextObject(scope, { name, enteredTime, retryCount: 0 });
  return flow.caught(entry(name, state, input, scope, ctx), catchers[index]!, failure);
}

/**
 * A state that may carry `Retry` and `Catch` (Task, Parallel, Map): entered/exited events around
 * its attempts, and on failure the first matching catcher's `Next` with the error output (and the
 * catcher's own `Assign`; the state's is skipped).
 */
async function runRetryable(
  node: StateNode,
  input: unknown,
  scope: Scope,
  runMachine: RunMachine,
): Promise<StepResult> {
  const { name, state, runner, flow } = node;
  const enteredTime = isoNow(scope);
  const enteredId = emitEntered(scope, name, state, input);
  let io: StateIO | undefined;
  let produced: { output: unknown; assigned?: Assignment };
  try {
    produced = await withRetry(state, scope, (retryCount) => {
      const minted = runner.context?.(state, scope);
      const ctx = contextObject(scope, { name, enteredTime, retryCount }, minted?.extra);
      const e = entry(name, state, input, scope, ctx);
      io = newIO(e, flow, enteredId, runMachine);
      if (minted?.token) io.token = minted.token;
      return start(io, runner);
    });
  } catch (err) {
    if (err instanceof BranchAbandoned || err instanceof RetryDeferred) throw err;
    const failure = asStatesError(locateEvaluationFailure(err, name, scope));
    const catching = tryCatch(node, input, failure, scope, enteredTime);
    if (!catching) throw failure;
    const caught = catching instanceof Promise ? await catching : catching;
    emitExited(scope, name, state, caught.output, caught.assigned);
    return { output: caught.output, next: caught.next };
  }
  emitExited(scope, name, state, produced.output, produced.assigned, extension(io));
  return transition(state, io!, produced.output);
}

/** Starts an attempt: the effective input, synchronously, then the asynchronous steps. */
function start<P>(io: StateIO, runner: StateRunner<P>): Promise<{ output: unknown; assigned?: Assignment }> {
  try {
    io.e.inspection.record('input', io.e.input);
    io.effective = io.flow.effective(io.e);
    io.params = io.effective;
  } catch (err) {
    return Promise.reject(err);
  }
  return attempt(io, runner);
}

/**
 * A retryable state's run, one async call deep as Task, Parallel and Map always ran (how many
 * promises a state's result passes through decides how concurrent branches interleave).
 */
async function runRetryableState(
  node: StateNode,
  input: unknown,
  scope: Scope,
  runMachine: RunMachine,
): Promise<StepResult> {
  return runRetryable(node, input, scope, runMachine);
}

/** Runs one state (a compiled node) of any type through the pipeline. */
export function runState(node: StateNode, input: unknown, scope: Scope, runMachine: RunMachine): Promise<StepResult> {
  return node.runner.retryable
    ? runRetryableState(node, input, scope, runMachine)
    : runPlain(node, input, scope, runMachine);
}
