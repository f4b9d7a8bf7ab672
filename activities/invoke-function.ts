import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { EventWriter } from '../engine/db/events-repo';
import { executionLogWriter } from './execution-log';
import { substituteToken } from '../engine/service/task-tokens';
import { FunctionFailure, InvocationCancelled } from '../engine/functions/failures';
import type { FunctionPool } from '../engine/functions/pool';
import type { Logger } from '../engine/logger';
import type { Metrics } from '../engine/metrics';
import type { HistoryEvent } from '../schemas/history';
import { FUNCTION_NOT_STARTED } from '../workflows/messages';
import type { InvokeFunctionInput, InvokeFunctionResult } from './contracts';
import { countTransitions } from './transitions';
import type { TokenSigner } from './token-signer';

/** What the function host's activity needs. */
export interface FunctionActivityDeps {
  pool: Pool;
  functions: FunctionPool;
  log: Logger;
  sign: TokenSigner;
  metrics?: Metrics;
}

/** How often the host heartbeats a running invocation, at most (a third of a shorter heartbeat timeout). */
const HEARTBEAT_INTERVAL_MS = 3_000;

/** The pending events, the Task's start event stamped `at` (when the host took the invocation). */
function stamped(events: HistoryEvent[], startedEventId: number | undefined, at: number): HistoryEvent[] {
  if (startedEventId === undefined) return events;
  const timestamp = new Date(at).toISOString();
  return events.map((event) => (event.id === startedEventId ? { ...event, timestamp } : event));
}

/** The function host's activity: runs a function from FUNCTIONS_DIR in a process of the pool. */
export function createFunctionActivities(deps: FunctionActivityDeps) {
  const logEvents = executionLogWriter(deps.pool, deps.log);
  // Invocations taken together write their pending events together (one statement while the
  // previous one runs), not one commit each.
  const eventWriter = new EventWriter(deps.pool);
  return {
    /**
     * Writes the pending history events (the Task's `…Started` stamped with the moment the host
     * took the invocation) while it waits for a process, and runs the function in that process
     * once both are done: a process never idles on the write. Heartbeats come from the host's
     * event loop, which no function blocks. A function's error is a non-retryable
     * ApplicationFailure typed with its ASL name; a failure before the function started is
     * `Stepflow.FunctionNotStarted` (safe to deliver again: nothing ran).
     */
    async invokeFunction(input: InvokeFunctionInput): Promise<InvokeFunctionResult> {
      const ctx = Context.current();
      const log = deps.log.child({
        executionId: input.executionId,
        state: input.stateName,
        fn: input.functionName,
        attempt: input.attempt ?? 1,
      });
      const every = Math.max(100, Math.min(HEARTBEAT_INTERVAL_MS, (ctx.info.heartbeatTimeoutMs ?? Infinity) / 3));
      const beat = setInterval(() => ctx.heartbeat(), every);
      let startedAt: number | undefined;
      const timer = deps.metrics?.taskDuration.startTimer();
      const at = Date.now();
      const events = stamped(input.pendingEvents, input.startedEventId, at);
      // Idempotent: a delivery that never starts the function is made again and writes the same rows.
      const written = eventWriter.write(input.executionId, events).then(() => logEvents(input.executionId, events));
      // Awaited before the function starts; a delivery that fails first reports FunctionNotStarted.
      written.catch(() => undefined);
      try {
        // `.waitForTaskToken`: the function receives the signed token wherever `$$.Task.Token` was placed.
        const payload = input.taskToken
          ? substituteToken(input.payload, input.taskToken, await deps.sign(input.executionId, input.taskToken))
          : input.payload;
        const result = await deps.functions.invoke({
          functionName: input.functionName,
          payload,
          context: {
            idempotencyKey: input.idempotencyKey,
            executionId: input.executionId,
            stateName: input.stateName,
            functionName: input.functionName,
          },
          signal: ctx.cancellationSignal,
          beforeStart: async () => {
            await written;
            countTransitions(deps.metrics, input.pendingEvents, input.executionId);
            startedAt = at;
          },
        });
        log.debug('function succeeded');
        timer?.({ outcome: 'succeeded' });
        return { result, startedAt: startedAt as number };
      } catch (err) {
        timer?.({ outcome: 'failed' });
        if (err instanceof InvocationCancelled) throw new CancelledFailure('invocation cancelled');
        if (err instanceof FunctionFailure) {
          log.info({ error: err.name, errorType: err.errorType }, 'function failed');
          throw ApplicationFailure.create({ type: err.name, message: err.causeText, nonRetryable: true });
        }
        if (startedAt === undefined) {
          log.warn({ err }, 'function not started');
          throw ApplicationFailure.create({
            type: FUNCTION_NOT_STARTED,
            message: 'the function host could not start the function',
            nonRetryable: true,
          });
        }
        log.error({ err }, 'function host failed');
        throw ApplicationFailure.create({
          type: 'Lambda.ServiceException',
          message: JSON.stringify({ errorType: 'Lambda.ServiceException', errorMessage: 'the function host failed' }),
          nonRetryable: true,
        });
      } finally {
        clearInterval(beat);
      }
    },
  };
}
