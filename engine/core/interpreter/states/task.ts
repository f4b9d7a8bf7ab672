import { StatesError, StatesErrors } from '../../errors';
import { ARN_REGION } from '../../arn';
import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { payloadText } from '../history';
import { runCatching, type StepResult } from '../guarded';
import { functionNameOf, resolveResource, wrapInvokeResult, type ResolvedResource } from '../resources';
import { withRetry } from '../retry-catch';
import { asStatesError, contextObject, type Scope, type StateDef } from '../scope';
import { numberField } from '../path-fields';

/**
 * Reads `TimeoutSeconds`/`HeartbeatSeconds` or their `…Path` twin (a positive integer), with the
 * causes AWS gives the Map's numeric `…Path` fields.
 */
function seconds(state: StateDef, field: string, effective: unknown, ctx: unknown): number | undefined {
  const value = numberField(state, field, effective, ctx);
  if (value !== undefined && value <= 0) throw new StatesError(StatesErrors.Runtime, `${field} must be positive.`);
  return value;
}

/** `{error, cause}` of a failure event; AWS leaves out an empty cause. */
function errorDetails(error: string, cause: string): Record<string, string> {
  return cause === '' ? { error } : { error, cause };
}

/** One history event to emit: its type and its `…EventDetails` member. */
interface EventSpec {
  type: string;
  key?: string;
  details?: Record<string, unknown>;
}

/** The events of one Task invocation, in the family its resource records. */
interface TaskEvents {
  scheduled(params: unknown, timeoutSeconds?: number): EventSpec;
  started: EventSpec;
  succeeded(output: unknown): EventSpec;
  failed(timedOut: boolean, error: string, cause: string): EventSpec;
}

/** `LambdaFunction*` events for a function ARN, `Task*` events for a service integration. */
function eventsFor(resolved: ResolvedResource): TaskEvents {
  const timeout = (seconds?: number) => (seconds ? { timeoutInSeconds: seconds } : {});
  if (resolved.events === 'LambdaFunction') {
    return {
      scheduled: (params, timeoutSeconds) => ({
        type: 'LambdaFunctionScheduled',
        key: 'lambdaFunctionScheduledEventDetails',
        details: { resource: resolved.arn, input: payloadText(params), inputDetails: { truncated: false }, ...timeout(timeoutSeconds) },
      }),
      started: { type: 'LambdaFunctionStarted' },
      succeeded: (output) => ({
        type: 'LambdaFunctionSucceeded',
        key: 'lambdaFunctionSucceededEventDetails',
        details: { output: payloadText(output), outputDetails: { truncated: false } },
      }),
      failed: (timedOut, error, cause) =>
        timedOut
          ? { type: 'LambdaFunctionTimedOut', key: 'lambdaFunctionTimedOutEventDetails', details: errorDetails(error, cause) }
          : { type: 'LambdaFunctionFailed', key: 'lambdaFunctionFailedEventDetails', details: errorDetails(error, cause) },
    };
  }
  const base = { resourceType: resolved.resourceType, resource: resolved.resource };
  return {
    scheduled: (params, timeoutSeconds) => ({
      type: 'TaskScheduled',
      key: 'taskScheduledEventDetails',
      details: { ...base, region: ARN_REGION, parameters: payloadText(params), ...timeout(timeoutSeconds) },
    }),
    started: { type: 'TaskStarted', key: 'taskStartedEventDetails', details: base },
    succeeded: (output) => ({
      type: 'TaskSucceeded',
      key: 'taskSucceededEventDetails',
      details: { ...base, output: payloadText(output), outputDetails: { truncated: false } },
    }),
    failed: (timedOut, error, cause) =>
      timedOut
        ? { type: 'TaskTimedOut', key: 'taskTimedOutEventDetails', details: { ...base, ...errorDetails(error, cause) } }
        : { type: 'TaskFailed', key: 'taskFailedEventDetails', details: { ...base, ...errorDetails(error, cause) } },
  };
}

function emit(scope: Scope, spec: EventSpec): void {
  scope.emit(spec.type, spec.key, spec.details);
}

/** Runs one attempt of the function behind `Resource` and records its events. */
async function invoke(name: string, state: StateDef, params: unknown, effective: unknown, ctx: unknown, scope: Scope, key: string): Promise<unknown> {
  const resolved = resolveResource(state.Resource);
  const events = eventsFor(resolved);
  const timeoutSeconds = seconds(state, 'TimeoutSeconds', effective, ctx);
  const heartbeatSeconds = seconds(state, 'HeartbeatSeconds', effective, ctx);
  const wrapped = resolved.events === 'Task';
  const functionName = wrapped ? functionNameOf(params) : resolved.functionName;
  const payload = wrapped ? ((params as { Payload?: unknown }).Payload ?? null) : params;
  emit(scope, events.scheduled(params, timeoutSeconds));
  let outcome;
  try {
    outcome = await scope.run.host.invokeTask({
      stateName: name,
      kind: resolved.kind,
      functionName,
      payload,
      timeoutSeconds,
      heartbeatSeconds,
      idempotencyKey: key,
      pendingEvents: scope.run.recorder.takePending(),
      abandoned: scope.abort,
    });
  } catch (err) {
    scope.checkAbandoned();
    const failure = asStatesError(err);
    const timedOut = failure.error === StatesErrors.Timeout || failure.error === StatesErrors.HeartbeatTimeout;
    // AWS records the start before a failure or a timeout alike.
    emit(scope, events.started);
    emit(scope, events.failed(timedOut, failure.error, failure.cause));
    throw failure;
  }
  scope.checkAbandoned();
  scope.emitAt(outcome.startedAt, events.started.type, events.started.key, events.started.details);
  const result = wrapped ? wrapInvokeResult(outcome.result, key) : outcome.result;
  emit(scope, events.succeeded(result));
  return result;
}

/**
 * Task: InputPath → Parameters → the function → ResultSelector → ResultPath → OutputPath, with
 * `Retry` around each attempt and `Catch` around the whole.
 */
export async function runTask(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) => {
    const key = `${scope.run.execution.id}#${scope.lastEventId}`;
    return withRetry(state, scope, async (retryCount) => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      const effective = inputPath(state.InputPath, input, ctx);
      const params = payloadTemplate(state.Parameters, effective, ctx, scope);
      const result = await invoke(name, state, params, effective, ctx, scope, key);
      const selected = payloadTemplate(state.ResultSelector, result, ctx, scope);
      return outputPath(state.OutputPath, resultPath(state.ResultPath, input, selected), ctx);
    });
  });
}
