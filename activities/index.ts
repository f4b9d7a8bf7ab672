import { Context, ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import { withTransaction } from '../engine/db/pool';
import { insertEvents } from '../engine/db/events-repo';
import { completeExecution } from '../engine/db/executions-repo';
import { stopFinalized } from '../engine/db/terminal-events-repo';
import type { Logger } from '../engine/logger';
import type { Metrics } from '../engine/metrics';
import type { HistoryEvent } from '../schemas/history';
import { enqueueActivityTask } from '../engine/db/activity-tasks-repo';
import { signTaskToken, substituteToken, taskTokenSecret } from '../engine/executions/task-tokens';
import type { CompleteExecutionInput, EnqueueActivityTaskInput, InvokeFunctionInput, RecordEventsInput } from '../workflows/messages';
import { createChildActivities } from './children';
import { FunctionRegistry } from './functions';

/** What the activities need from the process that hosts them. */
export interface ActivityDeps {
  pool: Pool;
  functionsDir: string;
  log: Logger;
  metrics?: Metrics;
  /** `STEPFLOW_TOKEN_SECRET`, when configured (else the database's generated key). */
  tokenSecret?: string;
}

/** Counts the states entered in a batch of events (each `…StateEntered` is one transition). */
function countTransitions(metrics: Metrics | undefined, events: HistoryEvent[]): void {
  for (const event of events) {
    if (event.type.endsWith('StateEntered')) metrics?.stateTransitions.inc({ type: event.type.slice(0, -'StateEntered'.length) });
  }
}

/** How often a running function's activity heartbeats (liveness; well under the timeout). */
const HEARTBEAT_INTERVAL_MS = 3_000;

/** The ASL error output of a thrown error: `Error` is its name, `Cause` Lambda's JSON shape. */
function failureOf(err: unknown): ApplicationFailure {
  const error = err instanceof Error ? err : new Error(String(err));
  const name = error.name || 'Error';
  const cause = JSON.stringify({
    errorType: name,
    errorMessage: error.message,
    trace: (error.stack ?? '').split('\n'),
  });
  return ApplicationFailure.create({ type: name, message: cause, nonRetryable: true });
}

/** The activities, bound to their dependencies (Temporal's dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  const functions = new FunctionRegistry(deps.functionsDir);
  let secret: Promise<string> | undefined;
  /** Signs the workflow's token of a state entry (the key is loaded once per process). */
  const signed = async (executionId: string, nonce: string) => {
    secret ??= taskTokenSecret(deps.pool, deps.tokenSecret).catch((err) => {
      secret = undefined;
      throw err;
    });
    return signTaskToken(await secret, { executionId, nonce });
  };

  return {
    ...createChildActivities({ pool: deps.pool, sign: signed }),

    /** Writes pending history events, then runs a function from `FUNCTIONS_DIR`. */
    async invokeFunction(input: InvokeFunctionInput): Promise<{ result: unknown; startedAt: number }> {
      const ctx = Context.current();
      const log = deps.log.child({ executionId: input.executionId, state: input.stateName, fn: input.functionName });
      await insertEvents(deps.pool, input.executionId, input.pendingEvents);
      countTransitions(deps.metrics, input.pendingEvents);
      const startedAt = Date.now();
      const timer = deps.metrics?.taskDuration.startTimer();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        const handler = await functions.get(input.functionName);
        // `.waitForTaskToken`: the function receives the signed token wherever `$$.Task.Token` was placed.
        const payload = input.taskToken
          ? substituteToken(input.payload, input.taskToken, await signed(input.executionId, input.taskToken))
          : input.payload;
        const result = await handler(payload, {
          idempotencyKey: input.idempotencyKey,
          executionId: input.executionId,
          stateName: input.stateName,
          functionName: input.functionName,
          signal: ctx.cancellationSignal,
        });
        log.debug({ attempt: ctx.info.attempt }, 'function succeeded');
        timer?.({ outcome: 'succeeded' });
        // JSON round trip: what a function returns is data, as it would be over Lambda's wire.
        return { result: result === undefined ? null : JSON.parse(JSON.stringify(result)), startedAt };
      } catch (err) {
        log.info({ err }, 'function failed');
        timer?.({ outcome: 'failed' });
        throw failureOf(err);
      } finally {
        clearInterval(beat);
      }
    },

    /** Queues a Task on an activity ARN for external workers (GetActivityTask), token signed. */
    async enqueueActivityTask(input: EnqueueActivityTaskInput): Promise<void> {
      await insertEvents(deps.pool, input.executionId, input.pendingEvents);
      countTransitions(deps.metrics, input.pendingEvents);
      await enqueueActivityTask(deps.pool, {
        nonce: input.taskToken,
        activityName: input.activityName,
        executionId: input.executionId,
        taskToken: await signed(input.executionId, input.taskToken),
        input: input.input,
        timeoutSeconds: input.timeoutSeconds,
      });
    },

    /** Writes history events (idempotent). */
    async recordEvents(input: RecordEventsInput): Promise<void> {
      await insertEvents(deps.pool, input.executionId, input.events);
      countTransitions(deps.metrics, input.events);
    },

    /** Writes the final events and the outcome in one transaction. */
    async completeExecution(input: CompleteExecutionInput): Promise<void> {
      const stopDate = input.events.at(-1)?.timestamp ?? new Date().toISOString();
      await withTransaction(deps.pool, async (client) => {
        // A stop the reconciler already closed (it terminated this workflow and recorded
        // ExecutionAborted) is not recorded a second time by a completion that arrives late.
        if (input.outcome.status === 'ABORTED' && (await stopFinalized(client, input.executionId))) return;
        await insertEvents(client, input.executionId, input.events);
        await completeExecution(client, input.executionId, input.outcome, stopDate, input.resume);
      });
      countTransitions(deps.metrics, input.events);
      deps.metrics?.executionsClosed.inc({ status: input.outcome.status });
      deps.log.info({ executionId: input.executionId, status: input.outcome.status }, 'execution completed');
    },
  };
}
