import type { ErrorDetails, EventBody, EventBodyOf, HistoryEvent } from '../../../schemas/history';
import { ARN_REGION } from '../arn';
import { NOT_TRUNCATED, payloadText } from './history';
import type { ResolvedResource } from './resources';

/** The events of one Task invocation, in the family its resource records. */
export interface TaskEvents {
  scheduled(params: unknown, timeoutSeconds?: number, heartbeatSeconds?: number): EventBody;
  started(workerName?: string): EventBody;
  /** Callback pattern: the function took the token (`TaskSubmitted`, with what it returned). */
  submitted?(output: unknown): EventBody;
  succeeded(output: unknown): EventBody;
  failed(timedOut: boolean, error: string, cause: string): EventBody;
}

/** `{error, cause}` of a failure event; AWS leaves out an empty cause. */
export function errorDetails(error: string, cause: string): ErrorDetails {
  return cause === '' ? { error } : { error, cause };
}

const output = (value: unknown) => ({ output: payloadText(value), outputDetails: NOT_TRUNCATED });
const limits = (timeoutSeconds?: number, heartbeatSeconds?: number) => ({
  ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
  ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
});

/**
 * True when the Task records `TaskSubmitted` before its end: a `.waitForTaskToken` function
 * took its token, or a nested execution the Task waits for (`.sync`, `.sync:2`) was started.
 */
function submits(resolved: ResolvedResource): boolean {
  if (resolved.kind === 'execution') return resolved.integration !== 'request';
  return resolved.callback;
}

/**
 * The event family of a Task's resource, as Step Functions records it: `LambdaFunction*` for a
 * function ARN, `Activity*` for an activity ARN, `Task*` for a service integration (with
 * `TaskSubmitted` when a `.waitForTaskToken` function has taken its token, or when a nested
 * execution the Task waits for has started: resourceType `states`, resource `startExecution.sync:2`…).
 */
export function eventsFor(resolved: ResolvedResource): TaskEvents {
  if (resolved.events === 'LambdaFunction') {
    return {
      scheduled: (params, timeoutSeconds) => ({
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: resolved.arn,
          input: payloadText(params),
          inputDetails: NOT_TRUNCATED,
          ...limits(timeoutSeconds),
        },
      }),
      started: () => ({ type: 'LambdaFunctionStarted' }),
      succeeded: (value) => ({
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: output(value),
      }),
      failed: (timedOut, error, cause) =>
        timedOut
          ? {
              type: 'LambdaFunctionTimedOut',
              lambdaFunctionTimedOutEventDetails: errorDetails(error, cause),
            }
          : {
              type: 'LambdaFunctionFailed',
              lambdaFunctionFailedEventDetails: errorDetails(error, cause),
            },
    };
  }
  if (resolved.events === 'Activity') {
    return {
      scheduled: (params, timeoutSeconds, heartbeatSeconds) => ({
        type: 'ActivityScheduled',
        activityScheduledEventDetails: {
          resource: resolved.arn,
          input: payloadText(params),
          inputDetails: NOT_TRUNCATED,
          ...limits(timeoutSeconds, heartbeatSeconds),
        },
      }),
      started: (workerName) => ({
        type: 'ActivityStarted',
        activityStartedEventDetails: workerName ? { workerName } : {},
      }),
      succeeded: (value) => ({
        type: 'ActivitySucceeded',
        activitySucceededEventDetails: output(value),
      }),
      failed: (timedOut, error, cause) =>
        timedOut
          ? { type: 'ActivityTimedOut', activityTimedOutEventDetails: errorDetails(error, cause) }
          : { type: 'ActivityFailed', activityFailedEventDetails: errorDetails(error, cause) },
    };
  }
  // Each event's details list the resource first, in literals of their own: a literal that
  // starts with a spread of a shared object is built on V8's slow path.
  const { resourceType, resource } = resolved;
  return {
    scheduled: (params, timeoutSeconds, heartbeatSeconds) => ({
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType,
        resource,
        region: ARN_REGION,
        parameters: payloadText(params),
        ...limits(timeoutSeconds, heartbeatSeconds),
      },
    }),
    started: () => ({ type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource } }),
    ...(submits(resolved)
      ? {
          submitted: (value: unknown) => ({
            type: 'TaskSubmitted',
            taskSubmittedEventDetails: {
              resourceType,
              resource,
              output: payloadText(value),
              outputDetails: NOT_TRUNCATED,
            },
          }),
        }
      : {}),
    succeeded: (value) => ({
      type: 'TaskSucceeded',
      taskSucceededEventDetails: { resourceType, resource, output: payloadText(value), outputDetails: NOT_TRUNCATED },
    }),
    failed: (timedOut, error, cause) =>
      timedOut
        ? { type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType, resource, ...errorDetails(error, cause) } }
        : { type: 'TaskFailed', taskFailedEventDetails: { resourceType, resource, ...errorDetails(error, cause) } },
  };
}

/**
 * The `…Started` event `started` recorded again for a redelivery (the function host was lost):
 * its details with the delivery's `attempt` and why.
 */
export function redelivered(started: HistoryEvent, attempt: number, cause: string): EventBody {
  const again = { attempt, cause };
  // The event is the Task's own `…Started`, as `eventsFor(…).started` built it.
  const event = started as EventBody;
  switch (event.type) {
    case 'LambdaFunctionStarted':
      return {
        type: event.type,
        lambdaFunctionStartedEventDetails: { ...event.lambdaFunctionStartedEventDetails, ...again },
      };
    case 'ActivityStarted':
      return { type: event.type, activityStartedEventDetails: { ...event.activityStartedEventDetails, ...again } };
    default: {
      const { taskStartedEventDetails } = event as EventBodyOf<'TaskStarted'>;
      return { type: 'TaskStarted', taskStartedEventDetails: { ...taskStartedEventDetails, ...again } };
    }
  }
}
