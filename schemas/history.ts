import { z } from 'zod';

/**
 * One Step Functions history event as stored and served: `id`, `previousEventId`, `timestamp`,
 * `type` and one `…EventDetails` member named for the type (e.g. `stateEnteredEventDetails`).
 * What the interpreter emits is the typed union below (`RecordedEvent`), which this shape accepts.
 */
export const HistoryEventSchema = z
  .object({
    id: z.number().int().positive(),
    previousEventId: z.number().int().nonnegative(),
    timestamp: z.string(),
    type: z.string(),
  })
  .catchall(z.unknown());

export type HistoryEvent = z.infer<typeof HistoryEventSchema>;

type Truncation = { truncated: boolean };
/** `{error, cause}` of a failure; AWS leaves out an empty one. */
export interface ErrorDetails {
  error?: string;
  cause?: string;
}
interface Output {
  output: string;
  outputDetails: Truncation;
}
interface TaskResource {
  resourceType: string;
  resource: string;
}

/** The eight state types (the prefix of their `…StateEntered` / `…StateExited` events). */
export type StateTypeName = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
/** The state types a stop or a failed sibling records as aborted. */
export type AbortableStateType = 'Task' | 'Wait' | 'Parallel' | 'Map';

interface StateEntered {
  name: string;
  input: string;
  inputDetails: Truncation;
}
interface StateExited extends Output {
  name: string;
  assignedVariables?: Record<string, string>;
  assignedVariablesDetails?: Truncation;
  /** Stepflow's extension: the state's data-flow stages and Choice decision (TestState, console). */
  stepflow?: Record<string, unknown>;
}
interface Scheduled {
  resource: string;
  input: string;
  inputDetails: Truncation;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
}
/** A redelivered `…Started` event (the function host was lost) carries the attempt and why. */
interface Redelivery {
  attempt?: number;
  cause?: string;
}
interface MapIteration {
  index: number;
  name: string;
}
interface CompensationStep {
  name: string;
  resource: string;
}

/**
 * Every event the interpreter and the workflow emit, by type: the `…EventDetails` member the
 * type carries (`{}` for a type that carries none).
 */
export type HistoryEventMembers = {
  ExecutionStarted: { executionStartedEventDetails: StateEnteredInput & { roleArn: string } };
  ExecutionSucceeded: { executionSucceededEventDetails: Output };
  ExecutionFailed: { executionFailedEventDetails: ErrorDetails };
  ExecutionTimedOut: { executionTimedOutEventDetails: ErrorDetails };
  ExecutionAborted: { executionAbortedEventDetails: ErrorDetails };
  ExecutionRedriven: { executionRedrivenEventDetails: { redriveCount: number } };
  EvaluationFailed: {
    evaluationFailedEventDetails: { cause: string; error: string; location?: string; state: string };
  };
  ParallelStateStarted: object;
  MapStateStarted: { mapStateStartedEventDetails: { length: number } };
  MapIterationStarted: { mapIterationStartedEventDetails: MapIteration };
  MapIterationSucceeded: { mapIterationSucceededEventDetails: MapIteration };
  MapIterationFailed: { mapIterationFailedEventDetails: MapIteration };
  MapIterationAborted: { mapIterationAbortedEventDetails: MapIteration };
  MapRunStarted: { mapRunStartedEventDetails: { mapRunArn: string } };
  MapRunRedriven: { mapRunRedrivenEventDetails: { mapRunArn: string } };
  MapRunSucceeded: object;
  MapRunFailed: { mapRunFailedEventDetails: ErrorDetails };
  MapRunAborted: object;
  LambdaFunctionScheduled: { lambdaFunctionScheduledEventDetails: Scheduled };
  LambdaFunctionStarted: { lambdaFunctionStartedEventDetails?: Redelivery };
  LambdaFunctionSucceeded: { lambdaFunctionSucceededEventDetails: Output };
  LambdaFunctionFailed: { lambdaFunctionFailedEventDetails: ErrorDetails };
  LambdaFunctionTimedOut: { lambdaFunctionTimedOutEventDetails: ErrorDetails };
  ActivityScheduled: { activityScheduledEventDetails: Scheduled };
  ActivityStarted: { activityStartedEventDetails: { workerName?: string } & Redelivery };
  ActivitySucceeded: { activitySucceededEventDetails: Output };
  ActivityFailed: { activityFailedEventDetails: ErrorDetails };
  ActivityTimedOut: { activityTimedOutEventDetails: ErrorDetails };
  TaskScheduled: {
    taskScheduledEventDetails: TaskResource & {
      region: string;
      parameters: string;
      timeoutInSeconds?: number;
      heartbeatInSeconds?: number;
    };
  };
  TaskStarted: { taskStartedEventDetails: TaskResource & Redelivery };
  TaskSubmitted: { taskSubmittedEventDetails: TaskResource & Output };
  TaskSucceeded: { taskSucceededEventDetails: TaskResource & Output };
  TaskFailed: { taskFailedEventDetails: TaskResource & ErrorDetails };
  TaskTimedOut: { taskTimedOutEventDetails: TaskResource & ErrorDetails };
  /** Stepflow: a function delivered again after its host was lost before it started. */
  FunctionRedelivered: {
    functionRedeliveredEventDetails: { functionName: string; attempt: number; cause: string };
  };
  CompensationStarted: { compensationStartedEventDetails: ErrorDetails & { steps: number } };
  CompensationStepScheduled: { compensationStepScheduledEventDetails: CompensationStep & { input: string } };
  CompensationStepSucceeded: { compensationStepSucceededEventDetails: CompensationStep & { output: string } };
  CompensationStepFailed: { compensationStepFailedEventDetails: CompensationStep & ErrorDetails };
  CompensationSucceeded: { compensationSucceededEventDetails: object };
  CompensationFailed: { compensationFailedEventDetails: ErrorDetails & { failedSteps: number } };
} & { [T in `${StateTypeName}StateEntered`]: { stateEnteredEventDetails: StateEntered } } & {
  [T in `${StateTypeName}StateExited`]: { stateExitedEventDetails: StateExited };
} & { [T in `${'Parallel' | 'Map'}State${'Succeeded' | 'Failed'}`]: object } & {
  [T in `${AbortableStateType}StateAborted`]: object;
};

type StateEnteredInput = Omit<StateEntered, 'name'>;

/** The name of every event type the interpreter emits. */
export type HistoryEventType = keyof HistoryEventMembers;

/** What an emitter passes: the type and its details member (the recorder adds id, links and time). */
export type EventBody = { [T in HistoryEventType]: { type: T } & HistoryEventMembers[T] }[HistoryEventType];

/** The body of one event type. */
export type EventBodyOf<T extends HistoryEventType> = Extract<EventBody, { type: T }>;

/** An emitted event: a typed body with its id, its link and its time. */
export type RecordedEvent = EventBody & { id: number; previousEventId: number; timestamp: string };
