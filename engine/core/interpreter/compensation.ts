import { StatesError, StatesErrors } from '../errors';
import { payloadText } from './history';
import { functionNameOf, resolveResource, wrapInvokeResult } from './resources';
import { withRetry } from './retry-catch';
import type { StateIO } from './pipeline';
import { asStatesError, Scope } from './scope';
import { errorDetails } from './task-events';

/** One compensation on the stack: what a succeeded Task's `Compensate` runs if the execution fails. */
export interface CompensationStep {
  /** The Task state's name. */
  stateName: string;
  /** `Compensate.Resource`. */
  resource: string;
  /** `Compensate.Parameters`/`Arguments`, evaluated when the Task succeeded. */
  input: unknown;
  /** `Compensate.Retry`. */
  retry?: unknown[];
  /** The Task entry's idempotency key + `:compensate`: the same for every attempt of this step. */
  idempotencyKey: string;
}

/**
 * The compensation stack of one execution, in push (completion) order: it belongs to the run
 * (`RunContext.compensations`), shared by every scope of it (Parallel branches, Map iterations,
 * Distributed Map children).
 */
export class CompensationStack {
  private readonly steps: CompensationStep[];

  /** A stack holding `steps` (a continued execution's), or an empty one. */
  constructor(steps: CompensationStep[] = []) {
    this.steps = [...steps];
  }

  /** The steps in push order (a copy: what a continuation carries to the next run). */
  toArray(): CompensationStep[] {
    return [...this.steps];
  }

  push(step: CompensationStep): void {
    this.steps.push(step);
  }

  /** The step pushed last, removed; undefined when empty. */
  pop(): CompensationStep | undefined {
    return this.steps.pop();
  }

  get size(): number {
    return this.steps.length;
  }
}

/**
 * Pushes a succeeded Task's `Compensate` on the stack. Its `Parameters` (JSONPath) are evaluated
 * now with `$` = `{ "input": <the Task's effective input>, "result": <the Task's result> }` and
 * `$$` = the Task's context object; `Arguments` (JSONata; `Parameters` accepted too) with
 * `$states.input` = the Task's input, `$states.result` = its result. Absent, the step receives
 * `{ input, result }`.
 */
export async function pushCompensation(io: StateIO, result: unknown, taskKey: string): Promise<void> {
  const { name, state, scope } = io.e;
  const compensate = state.Compensate as {
    Resource: string;
    Parameters?: unknown;
    Arguments?: unknown;
    Retry?: unknown[];
  };
  const template = compensate.Arguments ?? compensate.Parameters;
  let input: unknown = { input: io.effective, result };
  if (template !== undefined) {
    const evaluated = io.flow.template(io.e, template, input, 'Compensate', result);
    input = evaluated instanceof Promise ? await evaluated : evaluated;
  }
  scope.run.compensations.push({
    stateName: name,
    resource: compensate.Resource,
    input,
    ...(compensate.Retry ? { retry: compensate.Retry } : {}),
    idempotencyKey: `${taskKey}:compensate`,
  });
}

/** Runs one attempt of a compensation step: a function ARN, or `lambda:invoke` (result wrapped). */
async function invokeStep(step: CompensationStep, scope: Scope): Promise<unknown> {
  const resolved = resolveResource(step.resource);
  if (resolved.kind !== 'lambda' || resolved.callback) {
    throw new StatesError(
      StatesErrors.Runtime,
      `Compensate.Resource '${step.resource}' is not supported: use a function ARN or arn:aws:states:::lambda:invoke`,
    );
  }
  const wrapped = resolved.events === 'Task';
  const outcome = await scope.run.host.invokeTask({
    stateName: step.stateName,
    kind: 'lambda',
    functionName: wrapped ? functionNameOf(step.input) : resolved.functionName,
    payload: wrapped ? ((step.input as { Payload?: unknown }).Payload ?? null) : step.input,
    idempotencyKey: step.idempotencyKey,
  });
  return wrapped ? wrapInvokeResult(outcome.result, step.idempotencyKey) : outcome.result;
}

/**
 * One step with its `Retry` applied as a Task's: `CompensationStepScheduled` per attempt, then
 * `CompensationStepSucceeded` or `CompensationStepFailed` (also after each failed attempt).
 * Returns the final failure, if any.
 */
async function runStep(step: CompensationStep, scope: Scope): Promise<StatesError | undefined> {
  const about = { name: step.stateName, resource: step.resource };
  try {
    const output = await withRetry({ Type: 'Task', Retry: step.retry }, scope, async () => {
      scope.emit({
        type: 'CompensationStepScheduled',
        compensationStepScheduledEventDetails: { ...about, input: payloadText(step.input) },
      });
      try {
        return await invokeStep(step, scope);
      } catch (err) {
        const failure = asStatesError(err);
        scope.emit({
          type: 'CompensationStepFailed',
          compensationStepFailedEventDetails: { ...about, ...errorDetails(failure.error, failure.cause) },
        });
        throw failure;
      }
    });
    scope.emit({
      type: 'CompensationStepSucceeded',
      compensationStepSucceededEventDetails: { ...about, output: payloadText(output) },
    });
    return undefined;
  } catch (err) {
    return asStatesError(err);
  }
}

/**
 * When the execution fails (uncaught error, `Fail`, execution timeout), runs the compensation
 * stack last-in-first-out before the execution closes: `CompensationStarted`, the steps (each
 * durable and retried; a step that still fails does not stop the others), then
 * `CompensationSucceeded` or `CompensationFailed`, chained from event `fromEventId`. With an
 * empty stack nothing happens (no event, no host call). Returns the id of the last event.
 */
export async function runCompensations(
  scope: Scope,
  fromEventId: number,
  failure: { error: string; cause: string },
): Promise<number> {
  const stack = scope.run.compensations;
  if (stack.size === 0) return fromEventId;
  // A scope of its own: the execution's abort flag may be raised (timeout), compensation must run.
  const compensating = new Scope(scope.run, fromEventId);
  compensating.emit({
    type: 'CompensationStarted',
    compensationStartedEventDetails: { ...errorDetails(failure.error, failure.cause), steps: stack.size },
  });
  let failed = 0;
  let last: StatesError | undefined;
  // Popped one by one: a Task that completes while compensation runs is compensated too.
  for (let step = stack.pop(); step; step = stack.pop()) {
    const error = await runStep(step, compensating);
    if (error) {
      failed++;
      last = error;
    }
  }
  if (last)
    compensating.emit({
      type: 'CompensationFailed',
      compensationFailedEventDetails: { failedSteps: failed, ...errorDetails(last.error, last.cause) },
    });
  else compensating.emit({ type: 'CompensationSucceeded', compensationSucceededEventDetails: {} });
  return compensating.lastEventId;
}
