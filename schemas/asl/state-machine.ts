import { z } from 'zod';
import { QueryLanguageSchema, timeoutSeconds } from './fields';
import { StateSchema } from './states';

/** The longest state name AWS accepts. */
export const STATE_NAME_MAX_LENGTH = 80;

/**
 * A whole ASL state machine definition: `States` and `StartAt` (required), `Comment`, `Version`,
 * `TimeoutSeconds` (positive integer; the whole execution's limit) and `QueryLanguage`.
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
});

/** A validated ASL state machine definition. */
export type StateMachineDefinition = z.infer<typeof StateMachineDefinitionSchema>;
