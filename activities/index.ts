import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import { withTransaction } from '../engine/db/pool';
import { closeWithEvents, insertEventRows, insertEvents } from '../engine/db/events-repo';
import { completeExecution } from '../engine/db/executions-repo';
import { stopFinalized } from '../engine/db/terminal-events-repo';
import type { Logger } from '../engine/logger';
import type { Metrics } from '../engine/metrics';
import { enqueueActivityTask } from '../engine/db/activity-tasks-repo';
import type {
  CloseExecutionInput,
  CompleteExecutionInput,
  EnqueueActivityTaskInput,
  HistoryBatchInput,
  RecordEventsInput,
} from './contracts';
import { createChildActivities } from './children';
import { executionLogWriter } from './execution-log';
import { createMapRunActivities } from './map-runs';
import { forwardToFunctionHost } from './forward-function';
import { tokenSigner } from './token-signer';
import { countRows, countTransitions } from './transitions';

/** The rows text of a bulk history write (UTF-8 bytes of JSON; see workflows/history-rows.ts). */
function rowsText(rows: Uint8Array): string {
  return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength).toString('utf8');
}

export { createFunctionActivities, type FunctionActivityDeps } from './invoke-function';

/** What the activities need from the process that hosts them. */
export interface ActivityDeps {
  pool: Pool;
  log: Logger;
  metrics?: Metrics;
  /** `STEPFLOW_TOKEN_SECRET`, when configured (else the database's generated key). */
  tokenSecret?: string;
  /** The S3 client of Distributed Maps' ItemReader and ResultWriter (absent: S3 is not configured). */
  s3?: () => S3Client;
}

/**
 * The workflow worker's activities (bookkeeping, nested executions, activity-task queueing), bound
 * to their dependencies (Temporal's dependency-injection pattern). Functions run on the function
 * host (`createFunctionActivities`), never here.
 */
export function createActivities(deps: ActivityDeps) {
  const signed = tokenSigner(deps.pool, deps.tokenSecret);
  const logEvents = executionLogWriter(deps.pool, deps.log);

  return {
    ...createChildActivities({ pool: deps.pool, sign: signed }),
    ...createMapRunActivities({ pool: deps.pool, log: deps.log, ...(deps.s3 ? { s3: deps.s3 } : {}) }),

    /**
     * An invocation scheduled on the workflow queue by an execution started before the function
     * host existed (see FUNCTION_HOST in workflows/execution.ts): forwarded to the function host.
     */
    invokeFunction: forwardToFunctionHost,

    /** Queues a Task on an activity ARN for external workers (GetActivityTask), token signed. */
    async enqueueActivityTask(input: EnqueueActivityTaskInput): Promise<void> {
      await insertEvents(deps.pool, input.executionId, input.pendingEvents);
      countTransitions(deps.metrics, input.pendingEvents, input.executionId);
      await logEvents(input.executionId, input.pendingEvents);
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
      countTransitions(deps.metrics, input.events, input.executionId);
      await logEvents(input.executionId, input.events);
    },

    /** Writes history events serialised once by the workflow (BULK_HISTORY; idempotent). */
    async writeHistory(input: HistoryBatchInput, rows: Uint8Array): Promise<void> {
      const text = rowsText(rows);
      await insertEventRows(deps.pool, input.executionId, text);
      countRows(deps.metrics, text, input.executionId);
      await logEvents(input.executionId, text);
    },

    /**
     * Writes the closing events (serialised once by the workflow) and the outcome: one statement
     * when the execution ended by itself; a stop goes through the transaction that checks whether
     * the reconciler already closed it.
     */
    async closeExecution(input: CloseExecutionInput, rows: Uint8Array): Promise<void> {
      const { executionId, outcome } = input;
      const text = rowsText(rows);
      let startedAt: Date | undefined;
      if (outcome.status === 'ABORTED') {
        await withTransaction(deps.pool, async (client) => {
          if (await stopFinalized(client, executionId)) return;
          await insertEventRows(client, executionId, text);
          await completeExecution(client, executionId, outcome, input.stopDate, input.resume);
        });
      } else {
        startedAt = await closeWithEvents(deps.pool, executionId, text, {
          status: outcome.status,
          output: outcome.status === 'SUCCEEDED' ? JSON.stringify(outcome.output ?? null) : null,
          error: outcome.status === 'SUCCEEDED' ? null : outcome.error,
          cause: outcome.status === 'SUCCEEDED' ? null : outcome.cause,
          stopDate: input.stopDate,
          resume: input.resume === undefined ? null : JSON.stringify(input.resume),
        });
      }
      countRows(deps.metrics, text, executionId, startedAt?.getTime());
      await logEvents(executionId, text);
      deps.metrics?.executionsClosed.inc({ status: outcome.status });
      deps.log.info({ executionId, status: outcome.status }, 'execution completed');
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
      countTransitions(deps.metrics, input.events, input.executionId);
      await logEvents(input.executionId, input.events);
      deps.metrics?.executionsClosed.inc({ status: input.outcome.status });
      deps.log.info({ executionId: input.executionId, status: input.outcome.status }, 'execution completed');
    },
  };
}
