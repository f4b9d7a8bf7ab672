import { z } from 'zod';
import { StateMachineDefinitionSchema } from './asl/state-machine';

/**
 * The version of the plan shape the interpreter receives. The interpreter keeps reading every
 * version for as long as executions started with it can exist (DESIGN.md "Upgrades").
 */
export const PLAN_VERSION = 1;

/**
 * The compiled plan: the only shape the execution workflow receives. Version 1 is the validated
 * definition itself, with `QueryLanguage` resolved on the machine and on every state (nested
 * branches and item processors included), so the interpreter never re-derives defaults. The
 * interpreter walks `plan.definition`.
 */
export const PlanSchema = z.object({
  planVersion: z.literal(PLAN_VERSION),
  definition: StateMachineDefinitionSchema,
});

/** A compiled plan (see {@link PlanSchema}). */
export type Plan = z.infer<typeof PlanSchema>;
