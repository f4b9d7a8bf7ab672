import { DomainError } from './errors';
import { StatesError, StatesErrors } from '../core/errors';
import type { StateDef } from '../core/interpreter/scope';
import { checkMockedContext, newTestIdentity, testContext } from './test-state-context';
import { selectState } from './test-state-definition';
import { JSONATA_BODIES, jsonataCatchOutput } from './test-state-jsonata';
import { JSONPATH_BODIES, jsonPathCatchOutput } from './test-state-jsonpath';
import {
  judgeState,
  type Inspection,
  type InspectionLevel,
  type TestedState,
  type TestMock,
  type TestStateConfiguration,
  type TestStatus,
} from './test-state-run';
import type { Client } from '@temporalio/client';
import { functionInvoker, type InvocationIdentity, type TaskInvoker } from './test-state-task';

export type { Inspection, InspectionLevel, TestMock, TestStateConfiguration, TestStatus } from './test-state-run';

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

/** What TestState needs from the process: the route to the function host (or, for tests, another invoker). */
export interface TestStateDeps {
  config: { TEMPORAL_TASK_QUEUE: string };
  /** The Temporal client through which a Task's function runs on the function host. */
  temporal?: Client;
  invoker?: TaskInvoker;
  now?: () => number;
}

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

/** The invoker that runs functions on the function host (TestState never runs one in the API process). */
function hostInvoker(deps: TestStateDeps, identity: InvocationIdentity): TaskInvoker {
  const { temporal } = deps;
  if (!temporal)
    return () =>
      Promise.reject(new StatesError(StatesErrors.Runtime, 'TestState has no function host to run the function on'));
  return functionInvoker({ temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE }, identity);
}

/**
 * TestState: runs one state in isolation on `input` and reports how it ended (see judgeState):
 * the state is validated with its machine (`InvalidDefinition`), a Task calls its function from
 * `FUNCTIONS_DIR` once unless `mock` gives its result or error, a Wait does not wait, and a Map or
 * Parallel runs only with a mocked result. DEBUG and TRACE add the data flow (`inspectionData`).
 */
export async function testState(deps: TestStateDeps, request: TestStateRequest): Promise<TestStateResult> {
  const selected = selectState(request.definition, request.stateName);
  const { name, state } = selected;
  checkRequest(state, request);
  const now = deps.now ?? Date.now;
  const input = request.input === undefined ? {} : request.input;
  const identity = newTestIdentity(request.roleArn, now());
  const config = request.stateConfiguration ?? {};
  const context =
    request.context === undefined
      ? testContext(identity, name, state, input, config.retrierRetryCount ?? 0)
      : checkMockedContext(request.context, state);
  const executionId = `${identity.stateMachineName}:${identity.executionName}`;
  const tested: TestedState = {
    name,
    state,
    jsonata: selected.jsonata,
    input,
    context,
    variables: request.variables ?? {},
    mock: request.mock && { result: request.mock.result, errorOutput: request.mock.errorOutput },
    config,
    invoke: deps.invoker ?? hostInvoker(deps, { executionId, stateName: name }),
    host: { now, random: Math.random },
  };
  const outcome = selected.jsonata
    ? await judgeState(tested, JSONATA_BODIES[state.Type]!, jsonataCatchOutput)
    : await judgeState(tested, JSONPATH_BODIES[state.Type]!, jsonPathCatchOutput);
  const { inspection, ...result } = outcome;
  const level = request.inspectionLevel ?? 'INFO';
  return level === 'INFO' ? result : { ...result, inspectionData: inspection };
}
