import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import { StatesError } from '../engine/core/errors';
import { insertEvents } from '../engine/db/events-repo';
import { abortExecution } from '../engine/db/executions-repo';
import { storeChildExecution } from '../engine/service/start-child';
import { substituteToken } from '../engine/service/task-tokens';
import type { AbortChildExecutionInput, StartChildExecutionInput, StartChildExecutionResult } from './contracts';

/** What the nested-execution activities need: the store, and the token signer of the process. */
export interface ChildActivityDeps {
  pool: Pool;
  /** Signs the workflow's token of a state entry of `executionId`. */
  sign(executionId: string, nonce: string): Promise<string>;
}

/** The activities behind `arn:aws:states:::states:startExecution[.sync[:2]|.waitForTaskToken]`. */
export function createChildActivities(deps: ChildActivityDeps) {
  return {
    /**
     * Writes the parent's pending events, then stores the child execution (see
     * `storeChildExecution`); with a token, the child's input carries it signed. A refusal (no
     * such machine, name taken) is a non-retryable failure typed with the AWS error name.
     */
    async startChildExecution(input: StartChildExecutionInput): Promise<StartChildExecutionResult> {
      await insertEvents(deps.pool, input.parentExecutionId, input.pendingEvents);
      const request = input.taskToken
        ? {
            ...input.request,
            input: substituteToken(
              input.request.input,
              input.taskToken,
              await deps.sign(input.parentExecutionId, input.taskToken),
            ),
          }
        : input.request;
      try {
        // An alias picks its version at random: the activity, not the workflow, draws it.
        return await storeChildExecution(deps.pool, request, Math.random());
      } catch (err) {
        if (err instanceof StatesError)
          throw ApplicationFailure.create({ type: err.error, message: err.cause, nonRetryable: true });
        throw err;
      }
    },

    /** Marks a stored child ABORTED when its workflow could not be started. */
    async abortChildExecution(input: AbortChildExecutionInput): Promise<void> {
      await abortExecution(deps.pool, input.executionId, undefined, input.cause);
    },
  };
}
