import { z } from 'zod';

/** Names of state machines and executions, as Step Functions allows them (1–80, no whitespace or ARN separators). */
export const ResourceNameSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "-" and "_"');

/** The one body every error response has. */
export const ProblemBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  problems: z
    .array(z.object({ code: z.string(), path: z.string(), message: z.string() }))
    .optional(),
});
export type ProblemBody = z.infer<typeof ProblemBodySchema>;
