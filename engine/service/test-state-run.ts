import { StatesError } from '../core/errors';
import { asStatesError, type StateDef } from '../core/interpreter/scope';
import { tolerance } from '../core/interpreter/states/map-config';
import type { FunctionHost } from '../core/jsonata';
import { canRetry, findCatcher, findRetrier, retryDelayMs, type RetrierTiming } from '../core/retry';
import type { Assignment } from '../core/variables';
import type { TaskInvoker } from './test-state-task';

/** How much TestState reports: `INFO` the outcome, `DEBUG`/`TRACE` also the data-flow steps. */
export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';

/** TestState's verdict on the one state it ran. */
export type TestStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

/** Which Retry/Catch rule handled the error (`inspectionData.errorDetails`). */
export interface ErrorDetails {
  catchIndex?: number;
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
}

/** The state's data flow step by step (`inspectionData`), as JSON values; members in AWS's order. */
export interface Inspection {
  input?: unknown;
  afterArguments?: unknown;
  afterInputPath?: unknown;
  afterParameters?: unknown;
  result?: unknown;
  afterResultSelector?: unknown;
  afterResultPath?: unknown;
  variables?: Record<string, unknown>;
  errorDetails?: ErrorDetails;
  afterItemsPath?: unknown;
  afterItemSelector?: unknown;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
}

/** A `mock`: the result of the Task (or Map/Parallel) in place of running it, or the error it fails with. */
export interface TestMock {
  result?: unknown;
  errorOutput?: { error?: string; cause?: string };
}

/** `stateConfiguration`: where in its life the state is assumed to be. */
export interface TestStateConfiguration {
  /** Retries already made (decides `RETRIABLE` vs exhausted, and the backoff). */
  retrierRetryCount?: number;
  /** Map: iterations that failed (against `ToleratedFailureCount`/`…Percentage`). */
  mapIterationFailureCount?: number;
  errorCausedByState?: string;
  /** Map with `ItemReader`: the items the reader is assumed to have read. */
  mapItemReaderData?: unknown;
}

/** Everything one run of the tested state reads. */
export interface TestedState {
  name: string;
  state: StateDef;
  jsonata: boolean;
  input: unknown;
  /** The Context object (`$$`, `$states.context`). */
  context: Record<string, unknown>;
  /** Workflow variables visible to the state (`variables`). */
  variables: Record<string, unknown>;
  mock?: TestMock;
  config: TestStateConfiguration;
  invoke: TaskInvoker;
  host: FunctionHost;
}

/** What a state's body produced: its output, where it goes next, the variables it assigns. */
export interface Produced {
  output: unknown;
  next?: string;
  assigned?: Assignment;
}

/** A state's body in one query language: records its steps into `inspection`. */
export type StateBody = (t: TestedState, inspection: Inspection) => Promise<Produced>;

/** How the run ended. `output` and `nextState` only for SUCCEEDED and CAUGHT_ERROR. */
export interface TestOutcome {
  status: TestStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  nextState?: string;
  inspection: Inspection;
}

/** A Retrier or Catcher (validated with the definition). */
export type Rule = RetrierTiming & {
  ErrorEquals: string[];
  MaxAttempts?: number;
  Next?: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: unknown;
};

/** State types whose `Retry` and `Catch` TestState evaluates. */
const HANDLING_TYPES = new Set(['Task', 'Parallel', 'Map']);

/** Where the state goes after succeeding: `Next`, nothing when `End`. */
export function nextOf(state: StateDef): string | undefined {
  return state.End ? undefined : (state.Next as string | undefined);
}

/** The mocked result, or the mocked error thrown as the state's failure. */
export function mockedResult(t: TestedState): unknown {
  const failure = t.mock?.errorOutput;
  if (failure) throw new StatesError(failure.error ?? '', failure.cause ?? '');
  return t.mock?.result;
}

/**
 * A Map's tolerance against `stateConfiguration.mapIterationFailureCount`: past
 * `ToleratedFailureCount`/`…Percentage` (read from `config`, the Map with its fields resolved)
 * the Map fails with `States.ExceedToleratedFailureThreshold`. Without either field nothing is checked.
 */
export function checkTolerance(t: TestedState, config: StateDef, effective: unknown, total: number): void {
  const failures = t.config.mapIterationFailureCount;
  const tolerated = tolerance(config, effective, t.context, total, false, t.variables);
  if (failures !== undefined && tolerated?.exceeded(failures)) throw tolerated.error();
}

function failed(failure: StatesError, inspection: Inspection, status: TestStatus = 'FAILED'): TestOutcome {
  return {
    status,
    ...(failure.error === '' ? {} : { error: failure.error }),
    ...(failure.cause === '' ? {} : { cause: failure.cause }),
    inspection,
  };
}

function withVariables(t: TestedState, inspection: Inspection, assigned: Assignment | undefined): void {
  if (assigned) inspection.variables = { ...t.variables, ...assigned.values };
}

/**
 * Runs the tested state once and judges it as TestState does: SUCCEEDED with its output and
 * `Next`; on an error of a Task/Parallel/Map, RETRIABLE when a `Retry` rule matches and has
 * attempts left after `retrierRetryCount` retries (nothing is retried: the backoff is reported),
 * else CAUGHT_ERROR when a `Catch` rule matches (its output, its `Next`), else FAILED.
 * `catchOutput` builds a catcher's output in the state's query language.
 */
export async function judgeState(
  t: TestedState,
  body: StateBody,
  catchOutput: (t: TestedState, catcher: Rule, failure: StatesError) => Promise<Produced>,
): Promise<TestOutcome> {
  const inspection: Inspection = { input: t.input };
  let failure: StatesError;
  try {
    const produced = await body(t, inspection);
    withVariables(t, inspection, produced.assigned);
    return {
      status: 'SUCCEEDED',
      output: produced.output,
      ...(produced.next ? { nextState: produced.next } : {}),
      inspection,
    };
  } catch (err) {
    failure = asStatesError(err);
  }
  if (!HANDLING_TYPES.has(t.state.Type)) return failed(failure, inspection);
  const retriers: Rule[] = t.state.Retry ?? [];
  const retryIndex = findRetrier(retriers, failure.error);
  if (retryIndex >= 0) {
    const retrier = retriers[retryIndex]!;
    const retries = t.config.retrierRetryCount ?? 0;
    if (canRetry(retrier, retries)) {
      const backoff = Math.round(retryDelayMs(retrier, retries, () => t.host.random()) / 1000);
      inspection.errorDetails = { retryBackoffIntervalSeconds: backoff, retryIndex };
      return failed(failure, inspection, 'RETRIABLE');
    }
    inspection.errorDetails = { retryIndex };
  }
  const catchers: Rule[] = t.state.Catch ?? [];
  const catchIndex = findCatcher(catchers, failure.error);
  if (catchIndex < 0) return failed(failure, inspection);
  const catcher = catchers[catchIndex]!;
  let caught: Produced;
  try {
    caught = await catchOutput(t, catcher, failure);
  } catch (err) {
    return failed(asStatesError(err), inspection);
  }
  inspection.errorDetails = { ...inspection.errorDetails, catchIndex };
  withVariables(t, inspection, caught.assigned);
  return { ...failed(failure, inspection, 'CAUGHT_ERROR'), output: caught.output, nextState: catcher.Next as string };
}
