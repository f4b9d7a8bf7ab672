import { patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InvokeFunctionResult } from '../activities/contracts';
import type { createResourceActivities } from '../activities/resources';
import { StatesError, StatesErrors } from '../engine/core/errors';
import type { TaskInvocation } from '../engine/core/interpreter';
import {
  DEFAULT_BINDING_SET,
  functionImplementation,
  integrationImplementation,
  type Implementation,
} from '../engine/core/resource-bindings';
import type { HistoryEvent } from '../schemas/history';
import type { BindingSet } from '../schemas/resources/bindings';

/**
 * Patch id: Task resources route through the execution's bindings (HTTP endpoints, Temporal
 * activity types on other task queues, real Lambda, built-in integrations). Executions recorded
 * before never route: an integration resource fails with the `States.Runtime` they recorded.
 */
export const RESOURCES_V1 = 'resources-v1';

type ResourceActivities = ReturnType<typeof createResourceActivities>;

/** ASL's default Task `TimeoutSeconds` (effectively unbounded). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/** Heartbeat timeout of Stepflow's own resource activity when the Task sets none (it heartbeats by itself). */
const LIVENESS_HEARTBEAT_SECONDS = 10;

/** What the router needs from its execution. */
export interface ResourceContext {
  executionId: string;
  bindings?: BindingSet;
  /** The function host's task queue (where Stepflow's resource activity runs). */
  functionsQueue: string;
  /** Writes history events (the host's writer: the recorder's events it took for this Task). */
  write: (events: HistoryEvent[]) => Promise<void>;
}

/** The implementation a Task runs under the execution's bindings, or undefined for today's FUNCTIONS_DIR path. */
function routeOf(invocation: TaskInvocation, bindings: BindingSet): Implementation | undefined {
  if (invocation.kind === 'integration')
    return integrationImplementation(bindings, invocation.resource ?? invocation.functionName);
  if (invocation.kind !== 'lambda') return undefined;
  const implementation = functionImplementation(bindings, invocation.functionName);
  return implementation.kind === 'function' && implementation.name === invocation.functionName
    ? undefined
    : implementation;
}

function timeoutOf(invocation: TaskInvocation): string {
  return `${invocation.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS} seconds`;
}

/**
 * Runs a Task whose resource its bindings route away from the default function path; returns
 * undefined when the default path (a FUNCTIONS_DIR function of the Task's own name) applies.
 * Errors are thrown as Temporal failures; the caller maps them onto ASL errors.
 */
export function routeResource(
  context: ResourceContext,
  invocation: TaskInvocation,
  carried: HistoryEvent[],
  runFunction: (invocation: TaskInvocation, carried: HistoryEvent[]) => Promise<InvokeFunctionResult>,
): Promise<InvokeFunctionResult> | undefined {
  const implementation = routeOf(invocation, context.bindings ?? DEFAULT_BINDING_SET);
  if (!implementation) return undefined;
  if (!patched(RESOURCES_V1)) {
    // What this Stepflow answered before bindings existed.
    if (invocation.kind !== 'integration') return undefined;
    const resource = invocation.resource ?? invocation.functionName;
    return Promise.reject(
      new StatesError(StatesErrors.Runtime, `The resource '${resource}' is not supported by this Stepflow version`),
    );
  }
  switch (implementation.kind) {
    case 'unbound':
      return Promise.reject(new StatesError(StatesErrors.Runtime, implementation.reason));
    case 'function':
      return runFunction({ ...invocation, functionName: implementation.name }, carried);
    case 'temporal':
      return runForeignActivity(context, invocation, carried, implementation);
    default: {
      const options: ActivityOptions = {
        taskQueue: context.functionsQueue,
        scheduleToCloseTimeout: timeoutOf(invocation),
        startToCloseTimeout: timeoutOf(invocation),
        heartbeatTimeout: `${invocation.heartbeatSeconds ?? LIVENESS_HEARTBEAT_SECONDS} seconds`,
        // ASL Retry is the interpreter's; Temporal only redelivers an attempt lost with its host.
        retry:
          invocation.heartbeatSeconds !== undefined
            ? { maximumAttempts: 1 }
            : { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
      };
      const { invokeResource } = proxyActivities<ResourceActivities>(options);
      return invokeResource({
        executionId: context.executionId,
        stateName: invocation.stateName,
        resource: invocation.resource ?? invocation.functionName,
        functionName: invocation.functionName,
        implementation,
        payload: invocation.payload,
        idempotencyKey: invocation.idempotencyKey,
        pendingEvents: carried,
        ...(invocation.timeoutSeconds !== undefined ? { timeoutSeconds: invocation.timeoutSeconds } : {}),
        ...(invocation.startedEventId !== undefined ? { startedEventId: invocation.startedEventId } : {}),
        ...(invocation.taskToken ? { taskToken: invocation.taskToken } : {}),
      });
    }
  }
}

/**
 * (c) A Temporal activity type served by a worker of any SDK language on its own task queue: the
 * event is the activity's one argument, its return value the result, an ApplicationFailure's
 * type the ASL error. Such a worker cannot write Stepflow's history, so the pending events are
 * written first. `HeartbeatSeconds` becomes the activity's heartbeat timeout.
 */
async function runForeignActivity(
  context: ResourceContext,
  invocation: TaskInvocation,
  carried: HistoryEvent[],
  target: { taskQueue: string; activityType: string },
): Promise<InvokeFunctionResult> {
  if (invocation.taskToken)
    throw new StatesError(
      StatesErrors.Runtime,
      `'.waitForTaskToken' cannot hand a token to the Temporal activity type '${target.activityType}': bind the resource to an HTTP endpoint or a FUNCTIONS_DIR function instead`,
    );
  if (carried.length > 0) await context.write(carried);
  const startedAt = Date.now();
  const activities = proxyActivities<Record<string, (event: unknown) => Promise<unknown>>>({
    taskQueue: target.taskQueue,
    scheduleToCloseTimeout: timeoutOf(invocation),
    startToCloseTimeout: timeoutOf(invocation),
    ...(invocation.heartbeatSeconds !== undefined
      ? { heartbeatTimeout: `${invocation.heartbeatSeconds} seconds` }
      : {}),
    retry: { maximumAttempts: 1 },
  });
  const result = await activities[target.activityType](invocation.payload);
  return { result: result ?? null, startedAt };
}
