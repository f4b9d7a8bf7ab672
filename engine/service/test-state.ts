import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { FunctionInvocationInput, InvokeFunctionResult } from '../../activities/contracts';
import { FUNCTION_INVOCATION_WORKFLOW } from '../../workflows/messages';
import { StatesError, StatesErrors } from '../core/errors';
import { jsonataScope, type MapItems } from '../core/interpreter/flow';
import type { InspectionStage } from '../core/interpreter/inspection';
import { runOneState } from '../core/interpreter/machine';
import type { StateIO, StateProbe } from '../core/interpreter/pipeline';
import { RetryDeferred } from '../core/interpreter/retry-catch';
import { asStatesError, type StateDef } from '../core/interpreter/scope';
import { maxConcurrency, tolerance } from '../core/interpreter/states/map-config';
import { resolvedMapFields } from '../core/interpreter/states/map-jsonata';
import type { InterpreterHost, TaskInvocation } from '../core/interpreter/types';
import { numberField } from '../core/interpreter/path-fields';
import { VariableScope } from '../core/variables';
import { DomainError } from './errors';
import { checkMockedContext, newTestIdentity, testContext } from './test-state-context';
import { selectState } from './test-state-definition';

/** How much TestState reports: `INFO` the outcome, `DEBUG`/`TRACE` also the data-flow steps. */
export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';

/** TestState's verdict on the one state it ran. */
export type TestStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

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
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
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

/** A TestState request with its JSON members parsed (the protocol sends them as strings). */
export interface TestStateRequest {
  /** The ASL of one state, or of a machine with `stateName` naming the state. */
  definition: string;
  stateName?: string;
  roleArn?: string;
  /** The state input (default `{}`). */
  input?: unknown;
  /** `INFO` (default), `DEBUG` or `TRACE`. */
  inspectionLevel?: InspectionLevel;
  /** Workflow variables visible to the state. */
  variables?: Record<string, unknown>;
  /** A Context object to use instead of the one TestState builds. */
  context?: unknown;
  /** `fieldValidationMode` is accepted; Stepflow has no service models to check a mocked result against. */
  mock?: TestMock & { fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE' };
  stateConfiguration?: TestStateConfiguration;
}

/** TestState's answer: `output`/`nextState` (SUCCEEDED, CAUGHT_ERROR), `error`/`cause`, and the data flow at DEBUG/TRACE. */
export interface TestStateResult {
  status: TestStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: Inspection;
}

/** Runs the function of a Task (a `lambda` invocation, as the interpreter resolved it) once; returns what it returned. */
export type TaskInvoker = (invocation: TaskInvocation) => Promise<unknown>;

/** What TestState needs from the process: the route to the function host (or, for tests, another invoker). */
export interface TestStateDeps {
  config: { TEMPORAL_TASK_QUEUE: string };
  /** The Temporal client through which a Task's function runs on the function host. */
  temporal?: Client;
  invoker?: TaskInvoker;
  now?: () => number;
}

/** TestState's own limit: a state that runs longer fails with `States.Timeout` (AWS: five minutes). */
const TEST_STATE_MAX_SECONDS = 300;

/** State types TestState runs without a mock (Map and Parallel only with one). */
const UNMOCKED_TYPES = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice'];
/** State types whose result can be mocked. */
const MOCKABLE_TYPES = new Set(['Task', 'Map', 'Parallel']);
/** Task resources that cannot run in TestState without a mock: callbacks, `.sync` jobs, activities. */
const NEEDS_MOCK = /(\.sync(:\d+)?|\.waitForTaskToken)$|^arn:[a-z-]+:states:[^:]*:\d*:activity:/;

const invalid = (message: string) => new DomainError('VALIDATION_FAILED', message);

/** The request checks TestState makes before running anything, with AWS's messages. */
function checkRequest(state: StateDef, request: TestStateRequest): void {
  const { mock, stateConfiguration: config = {} } = request;
  if (config.mapIterationFailureCount !== undefined && !mock) {
    throw invalid('TestState does not support MapIterationFailureCount when a mock is not specified.');
  }
  if (mock) {
    if (mock.result !== undefined && mock.errorOutput !== undefined) {
      throw invalid('A test mock should have only one of the following fields: [result, errorOutput].');
    }
    if (mock.result === undefined && mock.errorOutput === undefined) {
      throw invalid('A test mock should have one of the following fields: [result, errorOutput].');
    }
    if (!MOCKABLE_TYPES.has(state.Type))
      throw invalid(`State type '${state.Type}' is not supported when a mock is specified`);
    if (state.Type !== 'Task' && mock.result !== undefined && !Array.isArray(mock.result))
      throw invalid('Mocked result must be an array.');
    return;
  }
  if (!UNMOCKED_TYPES.includes(state.Type)) {
    throw new DomainError(
      'INVALID_DEFINITION',
      `TestState API does not support Map or Parallel states. Supported state types include: [${UNMOCKED_TYPES.join(', ')}]`,
    );
  }
  if (state.Type === 'Task' && typeof state.Resource === 'string' && NEEDS_MOCK.test(state.Resource)) {
    throw invalid(
      `TestState supports the resource '${state.Resource}' (an activity, .sync or .waitForTaskToken) only when a mock is specified`,
    );
  }
}

/** The ASL error of a failed function-invocation workflow: the function's error, a timeout, or a lost host. */
function invocationError(err: unknown): StatesError {
  const cause = err instanceof WorkflowFailedError ? err.cause : err;
  const failure = cause instanceof ActivityFailure ? cause.cause : cause;
  if (failure instanceof ApplicationFailure)
    return new StatesError(failure.type ?? StatesErrors.TaskFailed, failure.message);
  if (failure instanceof TimeoutFailure && failure.timeoutType !== 'HEARTBEAT')
    return new StatesError(StatesErrors.Timeout, '');
  if (failure instanceof TimeoutFailure) {
    return new StatesError(
      'Lambda.ServiceException',
      JSON.stringify({
        errorType: 'Lambda.ServiceException',
        errorMessage: 'The function host was lost during the invocation',
      }),
    );
  }
  return new StatesError(StatesErrors.TaskFailed, err instanceof Error ? err.message : String(err));
}

/**
 * Runs a Task's function from `FUNCTIONS_DIR` on the function host (once), through the
 * function-invocation workflow; `TimeoutSeconds` (capped at TEST_STATE_MAX_SECONDS) fails it with
 * `States.Timeout` and the host kills the function. A function that blocks, exits or runs out of
 * memory never touches the API process.
 */
function hostInvoker(deps: TestStateDeps, executionId: string): TaskInvoker {
  return async (invocation) => {
    if (invocation.kind !== 'lambda') {
      throw new StatesError(
        StatesErrors.Runtime,
        `The resource '${invocation.functionName}' needs a mock in TestState`,
      );
    }
    if (!deps.temporal)
      throw new StatesError(StatesErrors.Runtime, 'TestState has no function host to run the function on');
    const seconds = Math.min(invocation.timeoutSeconds ?? TEST_STATE_MAX_SECONDS, TEST_STATE_MAX_SECONDS);
    const requestId = randomUUID();
    const input: FunctionInvocationInput = {
      invocation: {
        executionId,
        stateName: invocation.stateName,
        functionName: invocation.functionName,
        payload: invocation.payload,
        idempotencyKey: requestId,
        pendingEvents: [],
      },
      timeoutSeconds: seconds,
    };
    try {
      const outcome: InvokeFunctionResult = await deps.temporal.workflow.execute(FUNCTION_INVOCATION_WORKFLOW, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: `test-state/${requestId}`,
        args: [input],
        // The invocation's own timeout ends it first; this only bounds a workflow nobody runs.
        workflowExecutionTimeout: `${seconds + 60} seconds`,
      });
      return outcome.result;
    } catch (err) {
      throw invocationError(err);
    }
  };
}

/** The host of the one-state run: the request's clock, a Wait or retry that does not wait, Tasks through `invoke`. */
function testHost(now: () => number, invoke: TaskInvoker): InterpreterHost {
  return {
    now,
    random: Math.random,
    invokeTask: async (invocation) => {
      const startedAt = now();
      return { result: await invoke(invocation), startedAt };
    },
    sleep: async () => undefined,
  };
}

/** The mocked result, or the mocked error thrown as the state's failure. */
function mocked(mock: TestMock): unknown {
  const failure = mock.errorOutput;
  if (failure) throw new StatesError(failure.error ?? '', failure.cause ?? '');
  return mock.result;
}

/**
 * The effect of a mocked Task, Parallel or Map: a Map's items, selector, concurrency and
 * tolerance are evaluated as the runner would (into `extra`), a Map with `ItemReader` iterating
 * `mapItemReaderData`; then the mock is the result.
 */
function mockEffect(request: TestStateRequest, extra: Inspection): StateProbe['effect'] {
  const mock = request.mock!;
  return async (io: StateIO, prepare) => {
    const { state, ctx, variables } = io.e;
    if (state.Type !== 'Map') return mocked(mock);
    const config = request.stateConfiguration ?? {};
    let prepared: MapItems;
    if (state.ItemReader !== undefined) {
      const items = Array.isArray(config.mapItemReaderData) ? config.mapItemReaderData : [];
      const fields = io.flow.language === 'JSONata' ? await resolvedMapFields(state, jsonataScope(io.e)) : state;
      prepared = { items, inputs: items, config: fields };
    } else {
      prepared = (await prepare()) as MapItems;
      if (state.ItemsPath !== undefined) extra.afterItemsPath = prepared.items;
      if ((state.ItemSelector ?? state.Parameters) !== undefined) extra.afterItemSelector = prepared.inputs;
    }
    const count = numberField(prepared.config, 'ToleratedFailureCount', io.effective, ctx, false, variables);
    const percentage = numberField(prepared.config, 'ToleratedFailurePercentage', io.effective, ctx, true, variables);
    if (count !== undefined) extra.toleratedFailureCount = count;
    if (percentage !== undefined) extra.toleratedFailurePercentage = percentage;
    extra.maxConcurrency = maxConcurrency(prepared.config, io.effective, ctx, variables);
    const result = mocked(mock);
    const failures = config.mapIterationFailureCount;
    const tolerated = tolerance(prepared.config, io.effective, ctx, prepared.items.length, false, variables);
    if (failures !== undefined && tolerated?.exceeded(failures)) throw tolerated.error();
    return result;
  };
}

/** The data-flow stages in pipeline order; a stage not recorded carries the value of the one before. */
const STAGES: InspectionStage[] = [
  'input',
  'afterInputPath',
  'afterParameters',
  'afterArguments',
  'result',
  'afterResultSelector',
  'afterResultPath',
];

/** The value after each stage the attempt reached (the pipeline records a stage only where it ran). */
function reachedStages(probe: StateProbe): Partial<Record<InspectionStage, unknown>> {
  const recorded = new Map(probe.inspection?.all() ?? []);
  const last = Math.max(...STAGES.map((stage, i) => (recorded.has(stage) ? i : -1)));
  const values: Partial<Record<InspectionStage, unknown>> = {};
  let previous: unknown;
  for (let i = 0; i <= last; i++) {
    const stage = STAGES[i]!;
    previous = recorded.has(stage) ? recorded.get(stage) : previous;
    values[stage] = previous;
  }
  return values;
}

/** The stages AWS reports for each state type (JSONPath; JSONata reports `Arguments` and the Task result only). */
function reportedStages(state: StateDef, jsonata: boolean): InspectionStage[] {
  if (jsonata)
    return state.Type === 'Task'
      ? [...(state.Arguments === undefined ? [] : ['afterArguments' as const]), 'result']
      : [];
  switch (state.Type) {
    case 'Pass':
      return 'Result' in state
        ? ['result', 'afterResultSelector', 'afterResultPath']
        : ['afterInputPath', 'afterParameters', 'afterResultSelector', 'afterResultPath'];
    case 'Task':
      return ['afterInputPath', 'afterParameters', 'result', 'afterResultSelector', 'afterResultPath'];
    case 'Parallel':
      return ['afterResultSelector', 'afterResultPath'];
    case 'Map':
      return ['afterInputPath', 'afterResultSelector', 'afterResultPath'];
    default:
      return ['afterInputPath'];
  }
}

/** `inspectionData`: the request input, the reported stages, the variables after `Assign`, the rules that matched. */
function inspectionOf(
  state: StateDef,
  jsonata: boolean,
  input: unknown,
  probe: StateProbe,
  extra: Inspection,
  variables: VariableScope,
): Inspection {
  const reached = reachedStages(probe);
  const stages: Partial<Record<InspectionStage, unknown>> = {};
  for (const stage of reportedStages(state, jsonata)) if (stage in reached) stages[stage] = reached[stage];
  const errorDetails = {
    ...(probe.catchIndex === undefined ? {} : { catchIndex: probe.catchIndex }),
    ...(probe.backoffSeconds === undefined ? {} : { retryBackoffIntervalSeconds: probe.backoffSeconds }),
    ...(probe.retryIndex === undefined ? {} : { retryIndex: probe.retryIndex }),
  };
  return {
    input,
    afterArguments: stages.afterArguments,
    afterInputPath: stages.afterInputPath,
    afterParameters: stages.afterParameters,
    result: stages.result,
    afterResultSelector: stages.afterResultSelector,
    afterResultPath: stages.afterResultPath,
    ...(probe.assigned ? { variables: variables.visible() } : {}),
    ...(Object.keys(errorDetails).length > 0 ? { errorDetails } : {}),
    ...extra,
  };
}

/** Drops the members left undefined (the protocol answers only what is known). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * TestState: runs one state in isolation on `input` through the interpreter's own pipeline and
 * runner (engine/core/interpreter), with a host whose clock is the request's, whose Wait does not
 * wait and whose Tasks call their function from `FUNCTIONS_DIR` once (unless `mock` gives the
 * result or error; a Map or Parallel runs only with a mock). The state is validated and compiled
 * with its machine (`InvalidDefinition`). The verdict: SUCCEEDED with its output and `Next`;
 * RETRIABLE when a `Retry` rule has attempts left after `retrierRetryCount` (the backoff is
 * reported, nothing is retried); CAUGHT_ERROR when a `Catch` rule caught; else FAILED. DEBUG and
 * TRACE add the data flow (`inspectionData`).
 */
export async function testState(deps: TestStateDeps, request: TestStateRequest): Promise<TestStateResult> {
  const { name, state, jsonata } = selectState(request.definition, request.stateName);
  checkRequest(state, request);
  const now = deps.now ?? Date.now;
  const input = request.input === undefined ? {} : request.input;
  const identity = newTestIdentity(request.roleArn, now());
  const config = request.stateConfiguration ?? {};
  const retryCount = config.retrierRetryCount ?? 0;
  const context =
    request.context === undefined
      ? testContext(identity, name, state, input, retryCount)
      : checkMockedContext(request.context, state);
  const executionId = `${identity.stateMachineName}:${identity.executionName}`;
  const extra: Inspection = {};
  const probe: StateProbe = { retryCount, context };
  if (request.mock) probe.effect = mockEffect(request, extra);
  const variables = new VariableScope();
  variables.assign(request.variables ?? {}, {});
  let result: TestStateResult;
  try {
    const step = await runOneState({
      name,
      state,
      input,
      variables,
      probe,
      host: testHost(now, deps.invoker ?? hostInvoker(deps, executionId)),
      execution: {
        id: executionId,
        name: identity.executionName,
        stateMachineId: identity.stateMachineName,
        stateMachineName: identity.stateMachineName,
        roleArn: identity.roleArn,
        startTime: identity.startTime,
        redriveCount: 0,
      },
    });
    const failure = probe.caught;
    result = {
      status: failure ? 'CAUGHT_ERROR' : 'SUCCEEDED',
      output: step.output,
      ...(failure && failure.error !== '' ? { error: failure.error } : {}),
      ...(failure && failure.cause !== '' ? { cause: failure.cause } : {}),
      ...(step.next === undefined ? {} : { nextState: step.next }),
    };
  } catch (err) {
    const deferred = err instanceof RetryDeferred;
    const failure = deferred ? err.failure : asStatesError(err);
    result = {
      status: deferred ? 'RETRIABLE' : 'FAILED',
      ...(failure.error === '' ? {} : { error: failure.error }),
      ...(failure.cause === '' ? {} : { cause: failure.cause }),
    };
  }
  if ((request.inspectionLevel ?? 'INFO') === 'INFO') return result;
  return { ...result, inspectionData: defined(inspectionOf(state, jsonata, input, probe, extra, variables)) };
}
