import { ARN_REGION } from '../arn';
import { payloadText } from './history';
import type { ResolvedResource } from './resources';

/** One history event to emit: its type and its `…EventDetails` member. */
export interface EventSpec {
  type: string;
  key?: string;
  details?: Record<string, unknown>;
}

/** The events of one Task invocation, in the family its resource records. */
export interface TaskEvents {
  scheduled(params: unknown, timeoutSeconds?: number, heartbeatSeconds?: number): EventSpec;
  started(workerName?: string): EventSpec;
  /** Callback pattern: the function took the token (`TaskSubmitted`, with what it returned). */
  submitted?(output: unknown): EventSpec;
  succeeded(output: unknown): EventSpec;
  failed(timedOut: boolean, error: string, cause: string): EventSpec;
}

/** `{error, cause}` of a failure event; AWS leaves out an empty cause. */
export function errorDetails(error: string, cause: string): Record<string, string> {
  return cause === '' ? { error } : { error, cause };
}

const output = (value: unknown) => ({ output: payloadText(value), outputDetails: { truncated: false } });
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
        key: 'lambdaFunctionScheduledEventDetails',
        details: {
          resource: resolved.arn,
          input: payloadText(params),
          inputDetails: { truncated: false },
          ...limits(timeoutSeconds),
        },
      }),
      started: () => ({ type: 'LambdaFunctionStarted' }),
      succeeded: (value) => ({
        type: 'LambdaFunctionSucceeded',
        key: 'lambdaFunctionSucceededEventDetails',
        details: output(value),
      }),
      failed: (timedOut, error, cause) =>
        timedOut
          ? {
              type: 'LambdaFunctionTimedOut',
              key: 'lambdaFunctionTimedOutEventDetails',
              details: errorDetails(error, cause),
            }
          : {
              type: 'LambdaFunctionFailed',
              key: 'lambdaFunctionFailedEventDetails',
              details: errorDetails(error, cause),
            },
    };
  }
  if (resolved.events === 'Activity') {
    return {
      scheduled: (params, timeoutSeconds, heartbeatSeconds) => ({
        type: 'ActivityScheduled',
        key: 'activityScheduledEventDetails',
        details: {
          resource: resolved.arn,
          input: payloadText(params),
          inputDetails: { truncated: false },
          ...limits(timeoutSeconds, heartbeatSeconds),
        },
      }),
      started: (workerName) => ({
        type: 'ActivityStarted',
        key: 'activityStartedEventDetails',
        details: workerName ? { workerName } : {},
      }),
      succeeded: (value) => ({
        type: 'ActivitySucceeded',
        key: 'activitySucceededEventDetails',
        details: output(value),
      }),
      failed: (timedOut, error, cause) =>
        timedOut
          ? { type: 'ActivityTimedOut', key: 'activityTimedOutEventDetails', details: errorDetails(error, cause) }
          : { type: 'ActivityFailed', key: 'activityFailedEventDetails', details: errorDetails(error, cause) },
    };
  }
  const base = { resourceType: resolved.resourceType, resource: resolved.resource };
  return {
    scheduled: (params, timeoutSeconds, heartbeatSeconds) => ({
      type: 'TaskScheduled',
      key: 'taskScheduledEventDetails',
      details: {
        ...base,
        region: ARN_REGION,
        parameters: payloadText(params),
        ...limits(timeoutSeconds, heartbeatSeconds),
      },
    }),
    started: () => ({ type: 'TaskStarted', key: 'taskStartedEventDetails', details: base }),
    ...(submits(resolved)
      ? {
          submitted: (value: unknown) => ({
            type: 'TaskSubmitted',
            key: 'taskSubmittedEventDetails',
            details: { ...base, ...output(value) },
          }),
        }
      : {}),
    succeeded: (value) => ({
      type: 'TaskSucceeded',
      key: 'taskSucceededEventDetails',
      details: { ...base, ...output(value) },
    }),
    failed: (timedOut, error, cause) =>
      timedOut
        ? { type: 'TaskTimedOut', key: 'taskTimedOutEventDetails', details: { ...base, ...errorDetails(error, cause) } }
        : { type: 'TaskFailed', key: 'taskFailedEventDetails', details: { ...base, ...errorDetails(error, cause) } },
  };
}
