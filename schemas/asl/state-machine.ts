import { z } from 'zod';
import { nonNegativeInteger, QueryLanguageSchema, timeoutSeconds } from './fields';
import { StateSchema } from './states';

/** The longest state name AWS accepts. */
export const STATE_NAME_MAX_LENGTH = 80;

/**
 * A whole ASL state machine definition: `States` and `StartAt` (required), `Comment`, `Version`,
 * `TimeoutSeconds` (positive integer; the whole execution's limit) and `QueryLanguage`; and the
 * Stepflow extension `MaxHistoryEvents` (non-negative integer): the execution fails with
 * `States.Runtime` once its history passes that many events (it may only lower the deployment's
 * `STEPFLOW_MAX_HISTORY_EVENTS`; 0 leaves the deployment's cap).
 * `States` is declared before `StartAt` so a definition missing both reports
 * `These fields are required: [States, StartAt]`, as AWS does.
 */
export const StateMachineDefinitionSchema = z.strictObject({
  States: z.record(z.string(), StateSchema),
  StartAt: z.string(),
  Comment: z.string().optional(),
  Version: z.string().optional(),
  TimeoutSeconds: timeoutSeconds('TimeoutSeconds').optional(),
  QueryLanguage: QueryLanguageSchema.optional(),
  MaxHistoryEvents: nonNegativeInteger('MaxHistoryEvents').optional(),
});

/** A validated ASL state machine definition. */
export type StateMachineDefinition = z.infer<typeof StateMachineDefinitionSchema>;
