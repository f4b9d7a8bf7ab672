import { z } from 'zod';

/**
 * Names of state machines, executions and activities as Step Functions allows them: 1–80
 * characters, no whitespace, brackets (`<>{}[]`), wildcards (`?*`), `"#%\^|~`$&,;:/` or control
 * characters (U+0000–U+001F, U+007F–U+009F).
 */
export const ResourceNameSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(
    /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$/u,
    'must not contain whitespace, brackets, wildcards, control characters or any of "#%\\^|~`$&,;:/',
  );

/** State machine alias names: 1–80 letters, digits, `-`, `_` or `.`, not only digits (digits alone name a version). */
export const AliasNameSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/, 'must be letters, digits, "-", "_" or "." and not only digits');

/** The one body every error response has. */
export const ProblemBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  problems: z.array(z.object({ code: z.string(), path: z.string(), message: z.string() })).optional(),
});
export type ProblemBody = z.infer<typeof ProblemBodySchema>;
