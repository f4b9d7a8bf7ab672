import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { StartChildExecutionResult } from '../activities/contracts';
import { StatesError, StatesErrors } from '../engine/core/errors';
import type { TaskInvocation, TaskOutcome } from '../engine/core/interpreter';
import type { ChildExecutionDescription, ChildExecutionRequest } from '../engine/core/interpreter/nested';
import type { HistoryEvent } from '../schemas/history';
import type { CallbackRegistry } from './callbacks';
import { EXECUTION_WORKFLOW, stopSignal, type ExecutionWorkflowInput, type WorkflowOutcome } from './messages';

type Activities = ReturnType<typeof createActivities>;

/** Storing the child (and the parent's events): short, retried until it succeeds or is refused. */
const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** What the parent knows about itself when it starts a child. */
export interface ParentExecution {
  executionId: string;
  executionArn: string;
  callbacks: CallbackRegistry;
  /** The deployment's bounds the parent runs under: its children run under the same. */
  limits?: ExecutionWorkflowInput['limits'];
  /** The children this execution waits for. */
  children: WaitingChildren;
  /** The parent's resource bindings: its children run under the same set. */
  bindings?: ExecutionWorkflowInput['bindings'];
}

/** Starts the stored child as a Temporal child workflow that outlives the parent's close (ABANDON). */
async function startChildWorkflow(
  parent: ParentExecution,
  started: StartChildExecutionResult,
  request: ChildExecutionRequest,
) {
  const child = started.workflowInput.executionId;
  try {
    return await startChild<(input: ExecutionWorkflowInput) => Promise<WorkflowOutcome>>(EXECUTION_WORKFLOW, {
      workflowId: child,
      args: [
        {
          ...started.workflowInput,
          ...(parent.limits ? { limits: parent.limits } : {}),
          ...(parent.bindings ? { bindings: parent.bindings } : {}),
        },
      ],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The parent stops a child it waits for itself (a stop signal records ExecutionAborted);
      // Temporal's cancellation would leave the child's row RUNNING.
      parentClosePolicy: 'ABANDON',
      cancellationType: 'ABANDON',
      memo: {
        stateMachine: request.stateMachine,
        parentExecutionId: parent.executionId,
        startedBy: request.startedBy ?? parent.executionArn,
      },
    });
  } catch (err) {
    // Not started (cancelled first, or the id is taken): the stored row must not stay RUNNING.
    await CancellationScope.nonCancellable(() =>
      store.abortChildExecution({ executionId: child, cause: 'The parent could not start this execution' }),
    );
    if (isCancellation(err)) throw err;
    throw new StatesError(
      'StepFunctions.ExecutionAlreadyExistsException',
      `Execution Already Exists: '${started.description.executionArn}'`,
    );
  }
}

/** Waits for `work`, failing with `States.Timeout` past `timeoutSeconds` (ASL `TimeoutSeconds`). */
async function withDeadline<T>(timeoutSeconds: number | undefined, work: Promise<T>): Promise<T> {
  if (timeoutSeconds === undefined) return work;
  const timer = new CancellationScope();
  const expired = timer
    .run(() => sleep(timeoutSeconds * 1000))
    .then(() => {
      throw new StatesError(StatesErrors.Timeout, '');
    });
  expired.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    timer.cancel();
  }
}

type ChildHandle = ChildWorkflowHandle<() => Promise<WorkflowOutcome>>;

/**
 * The children one execution is waiting for (`.sync`, `.waitForTaskToken`): a child the parent
 * stops waiting for (parent stopped, branch abandoned, `TimeoutSeconds`) is stopped too.
 */
export class WaitingChildren {
  /** Each waited-for child, with the parent's ARN (for the stop's cause). */
  private readonly waiting = new Map<ChildHandle, string>();

  /** Sends `stop` to a child once (a child that already ended cannot be signalled: ignored). */
  private async stop(handle: ChildHandle, parentArn: string): Promise<void> {
    if (!this.waiting.delete(handle)) return;
    await CancellationScope.nonCancellable(() =>
      handle
        .signal(stopSignal, { cause: `The parent execution '${parentArn}' stopped waiting for this execution` })
        .catch(() => undefined),
    );
  }

  /**
   * Stops every child the execution is waiting for. The parent's stop calls this before it
   * completes, so the children are told before the parent's workflow closes.
   */
  async stopAll(): Promise<void> {
    await Promise.all([...this.waiting].map(([handle, parentArn]) => this.stop(handle, parentArn)));
  }

  /** Waits (`wait`) for a child, stopping it when the parent no longer waits (stopped, abandoned, timed out). */
  async waitFor<T>(handle: ChildHandle, parentArn: string, wait: () => Promise<T>): Promise<T> {
    this.waiting.set(handle, parentArn);
    try {
      return await wait();
    } catch (err) {
      if (isCancellation(err) || (err instanceof StatesError && err.error === StatesErrors.Timeout))
        await this.stop(handle, parentArn);
      throw err;
    } finally {
      this.waiting.delete(handle);
    }
  }
}

/** The child's description once it ended, from its workflow's outcome. */
function ended(started: ChildExecutionDescription, outcome: WorkflowOutcome): ChildExecutionDescription {
  const base = { ...started, status: outcome.status, stopDate: Date.now() };
  if (outcome.status === 'SUCCEEDED') return { ...base, output: outcome.output };
  return {
    ...base,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
  };
}

/**
 * A `startExecution` Task: stores the child execution (activity), starts it as a child workflow
 * (id = the child's execution id), then per integration returns its start (`request`; the child
 * runs on by itself), waits for its end (`sync`, `sync2`; `submitted` = the start), or waits for
 * SendTaskSuccess/Failure on the token the child was given (`callback`). A child the parent stops
 * waiting for (parent stopped, branch abandoned, `TimeoutSeconds`) is stopped too.
 */
export async function runChildExecution(
  parent: ParentExecution,
  invocation: TaskInvocation,
  /** The parent's history events not yet written: stored with the child. */
  pendingEvents: HistoryEvent[],
): Promise<TaskOutcome> {
  const request = invocation.execution as ChildExecutionRequest;
  const token = invocation.taskToken;
  const scheduledAt = Date.now();
  if (token) parent.callbacks.open(token);
  try {
    const started = await store.startChildExecution({
      parentExecutionId: parent.executionId,
      request,
      pendingEvents,
      ...(token ? { taskToken: token } : {}),
    });
    const handle = await startChildWorkflow(parent, started, request);
    const startedAt = Date.now();
    const description = started.description;
    if (request.integration === 'request') return { result: description, startedAt };
    if (token) {
      const result = await parent.children.waitFor(handle, parent.executionArn, () =>
        parent.callbacks.wait(token, scheduledAt, invocation.timeoutSeconds, invocation.heartbeatSeconds),
      );
      return { result, startedAt, submitted: description };
    }
    const outcome = await parent.children.waitFor(handle, parent.executionArn, () =>
      withDeadline(invocation.timeoutSeconds, handle.result()),
    );
    return { result: ended(description, outcome), startedAt, submitted: description };
  } finally {
    if (token) parent.callbacks.close(token);
  }
}
