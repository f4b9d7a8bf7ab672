import { randomUUID } from 'node:crypto';
import { FunctionRegistry } from '../../activities/functions';
import { StatesError, StatesErrors } from '../core/errors';
import { functionNameOf, resolveResource, wrapInvokeResult } from '../core/interpreter/resources';
import type { StateDef } from '../core/interpreter/scope';

/** TestState's own limit: a state that runs longer fails with `States.Timeout` (AWS: five minutes). */
export const TEST_STATE_MAX_SECONDS = 300;

/** Runs the function behind a Task's `Resource` once, with the effective parameters; returns the Task result. */
export type TaskInvoker = (state: StateDef, parameters: unknown, timeoutSeconds: number | undefined) => Promise<unknown>;

/** What a function sees of the TestState call in its `context`. */
export interface InvocationIdentity {
  executionId: string;
  stateName: string;
}

/** The error a function threw, as a Task reports it: its name, and Lambda's JSON cause. */
function functionFailure(err: unknown): StatesError {
  const error = err instanceof Error ? err : new Error(String(err));
  const name = error.name || 'Error';
  return new StatesError(name, JSON.stringify({ errorType: name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') }));
}

const registries = new Map<string, FunctionRegistry>();

/** One registry per functions directory, so a module is loaded once per API process. */
function registryFor(dir: string): FunctionRegistry {
  let registry = registries.get(dir);
  if (!registry) registries.set(dir, (registry = new FunctionRegistry(dir)));
  return registry;
}

/**
 * Invokes Tasks through the functions of `FUNCTIONS_DIR` (in this process, once, no Retry):
 * a function ARN gets the parameters and its return value is the result; `lambda:invoke` gets
 * `Payload` and its result is wrapped like Lambda's Invoke response. `TimeoutSeconds` (capped at
 * TEST_STATE_MAX_SECONDS) fails the Task with `States.Timeout` and aborts `context.signal`.
 */
export function functionInvoker(functionsDir: string, identity: InvocationIdentity): TaskInvoker {
  return async (state, parameters, timeoutSeconds) => {
    const resolved = resolveResource(state.Resource);
    if (resolved.kind !== 'lambda') throw new StatesError(StatesErrors.Runtime, `The resource '${state.Resource}' needs a mock in TestState`);
    const wrapped = resolved.events === 'Task';
    const functionName = wrapped ? functionNameOf(parameters) : resolved.functionName;
    const payload = wrapped ? ((parameters as { Payload?: unknown }).Payload ?? null) : parameters;
    const requestId = randomUUID();
    const controller = new AbortController();
    const seconds = Math.min(timeoutSeconds ?? TEST_STATE_MAX_SECONDS, TEST_STATE_MAX_SECONDS);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StatesError(StatesErrors.Timeout, ''));
      }, seconds * 1000);
    });
    const run = (async () => {
      const handler = await registryFor(functionsDir).get(functionName);
      return handler(payload, { idempotencyKey: requestId, executionId: identity.executionId, stateName: identity.stateName, functionName, signal: controller.signal });
    })();
    // A function still running when the Task timed out is abandoned.
    run.catch(() => undefined);
    try {
      const result = await Promise.race([run, timedOut]);
      // JSON round trip: what a function returns is data, as over Lambda's wire.
      const data = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
      return wrapped ? wrapInvokeResult(data, requestId) : data;
    } catch (err) {
      if (err instanceof StatesError) throw err;
      throw functionFailure(err);
    } finally {
      clearTimeout(timer);
    }
  };
}
