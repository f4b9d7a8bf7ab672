import { StatesError, StatesErrors } from '../errors';

/** How a Task's `Resource` is run and which history events describe it. */
export type ResolvedResource =
  /** `arn:aws:lambda:<region>:<account>:function:<name>`: result passed through, `LambdaFunction*` events. */
  | { kind: 'lambda'; events: 'LambdaFunction'; functionName: string; arn: string; callback: false }
  /**
   * `arn:aws:states:::lambda:invoke`: result wrapped like the Lambda Invoke API, `Task*` events.
   * With `.waitForTaskToken` the function gets `$$.Task.Token` and the Task's result is what
   * SendTaskSuccess sends (`callback`).
   */
  | { kind: 'lambda'; events: 'Task'; resourceType: 'lambda'; resource: string; wrap: true; callback: boolean }
  /** `arn:aws:states:<region>:<account>:activity:<name>`: a task for external workers, `Activity*` events. */
  | { kind: 'activity'; events: 'Activity'; activityName: string; arn: string; callback: true }
  /**
   * `arn:aws:states:::states:startExecution[.sync[:2]|.waitForTaskToken]`: a nested execution,
   * `Task*` events (`TaskSubmitted` carries the start response when the Task waits for the child).
   */
  | {
      kind: 'execution';
      events: 'Task';
      resourceType: 'states';
      resource: string;
      integration: StartExecutionIntegration;
      callback: boolean;
    }
  /**
   * `arn:aws:states:::<service>:<action>[.waitForTaskToken]` (the HTTP Task, `sqs:sendMessage`,
   * `aws-sdk:<service>:<action>`, …): run by what the execution's bindings name, `Task*` events.
   */
  | { kind: 'integration'; events: 'Task'; resourceType: string; resource: string; arn: string; callback: boolean };

/**
 * How a `startExecution` Task waits: `request` (the start response), `sync` (the child's end,
 * Input/Output as JSON text), `sync2` (the same, as JSON), `callback` (`.waitForTaskToken`).
 */
export type StartExecutionIntegration = 'request' | 'sync' | 'sync2' | 'callback';

const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const START_EXECUTION_SUFFIXES: Record<string, StartExecutionIntegration> = {
  '': 'request',
  '.sync': 'sync',
  '.sync:2': 'sync2',
  '.waitForTaskToken': 'callback',
};

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]*:\d*:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$/;
const INVOKE = 'arn:aws:states:::lambda:invoke';
const CALLBACK_SUFFIX = '.waitForTaskToken';
/** A service integration (`aws-sdk:<service>` or `<service>`, action, optional `.waitForTaskToken`); `.sync` is not run. */
const INTEGRATION_ARN = /^arn:aws:states:::((?:aws-sdk:)?[a-z0-9-]+):([A-Za-z0-9]+)(\.waitForTaskToken)?$/;
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:([^\s:]{1,80})$/;

/** Resolves a Task state's `Resource`; unsupported forms fail the state with `States.Runtime`. */
export function resolveResource(resource: string): ResolvedResource {
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda)
    return { kind: 'lambda', events: 'LambdaFunction', functionName: lambda[1], arn: resource, callback: false };
  if (resource === INVOKE || resource === INVOKE + CALLBACK_SUFFIX) {
    const callback = resource !== INVOKE;
    return {
      kind: 'lambda',
      events: 'Task',
      resourceType: 'lambda',
      resource: callback ? `invoke${CALLBACK_SUFFIX}` : 'invoke',
      wrap: true,
      callback,
    };
  }
  if (resource.startsWith(START_EXECUTION)) {
    const suffix = resource.slice(START_EXECUTION.length);
    const integration = START_EXECUTION_SUFFIXES[suffix];
    if (integration) {
      return {
        kind: 'execution',
        events: 'Task',
        resourceType: 'states',
        resource: `startExecution${suffix}`,
        integration,
        callback: integration === 'callback',
      };
    }
  }
  const activity = ACTIVITY_ARN.exec(resource);
  if (activity)
    return { kind: 'activity', events: 'Activity', activityName: activity[1], arn: resource, callback: true };
  const integration = INTEGRATION_ARN.exec(resource);
  if (integration) {
    const [, resourceType, action, suffix] = integration;
    return {
      kind: 'integration',
      events: 'Task',
      resourceType,
      resource: `${action}${suffix ?? ''}`,
      arn: resource,
      callback: suffix !== undefined,
    };
  }
  throw new StatesError(
    StatesErrors.Runtime,
    `The resource '${resource}' is not supported by this Stepflow version (README "Resources" lists what runs and how to bind a resource)`,
  );
}

/** The function named by `lambda:invoke`'s `FunctionName` (a name, or a function ARN with optional qualifier). */
export function functionNameOf(parameters: unknown): string {
  const raw = (parameters as { FunctionName?: unknown } | null)?.FunctionName;
  if (typeof raw !== 'string' || raw === '') {
    throw new StatesError(
      StatesErrors.Runtime,
      "The field 'FunctionName' is required by 'arn:aws:states:::lambda:invoke'",
    );
  }
  const arn = LAMBDA_ARN.exec(raw);
  if (arn) return arn[1];
  return raw.split(':')[0];
}

/** The Lambda Invoke API response that `lambda:invoke` returns as the Task result. */
export function wrapInvokeResult(payload: unknown, requestId: string): Record<string, unknown> {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: {
      HttpHeaders: {
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
