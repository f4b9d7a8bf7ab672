import { z } from 'zod';

/**
 * The resource bindings file (`STEPFLOW_BINDINGS`): which implementation runs a Task's
 * `Resource`. Bindings are tried in file order; the first whose `resource` matches wins.
 * `resource` is an exact ARN (`arn:aws:states:::sqs:sendMessage`), a pattern where `*` matches
 * any run of characters (`arn:aws:lambda:*:*:function:billing-*`), or a Lambda function name
 * (`charge`: matches function ARNs with that name and `lambda:invoke`'s `FunctionName`).
 */

const seconds = z.number().int().min(1).max(86_400);

/** (a) A function from FUNCTIONS_DIR on the function host (the default for Lambda resources). */
const FunctionTarget = z.strictObject({ name: z.string().min(1).max(256).optional() });

/** (b) A remote function: the event is POSTed as JSON, the JSON answer is the result. */
const HttpTarget = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** Extra request headers (e.g. a shared secret the endpoint checks). */
  headers: z.record(z.string().min(1).max(256), z.string().max(4096)).optional(),
  /** Per-request timeout when the Task sets no `TimeoutSeconds`. */
  timeoutSeconds: seconds.optional(),
});

/** (c) A Temporal activity type on a task queue, served by any Temporal worker in any SDK language. */
const TemporalTarget = z.strictObject({
  taskQueue: z.string().min(1).max(200),
  activityType: z.string().min(1).max(200),
});

/** (d) A built-in integration: `lambda` calls a real AWS Lambda function (through the AWS SDK). */
const LambdaTarget = z.strictObject({
  /** The function to invoke (name or ARN); default: the Task's function name. */
  functionName: z.string().min(1).max(256).optional(),
});

export const BindingSchema = z
  .strictObject({
    resource: z.string().min(1).max(2048),
    function: FunctionTarget.optional(),
    http: HttpTarget.optional(),
    temporal: TemporalTarget.optional(),
    lambda: LambdaTarget.optional(),
    /** `false`: the resource is refused (even a built-in integration), with the reason given. */
    enabled: z.literal(false).optional(),
  })
  .refine(
    (b) =>
      [b.function, b.http, b.temporal, b.lambda, b.enabled === false ? true : undefined].filter((t) => t !== undefined)
        .length === 1,
    { message: 'a binding names exactly one of function, http, temporal, lambda, or "enabled": false' },
  );

export const BindingsFileSchema = z.strictObject({
  /** Format version of the file; only 1 exists. */
  version: z.literal(1),
  bindings: z.array(BindingSchema).max(1000).default([]),
  /**
   * Built-in integrations the deployment turns off: a service (`sqs`, `sns`, `dynamodb`,
   * `events`, `s3`, `http`, `aws-sdk`) or a service and action (`s3:putObject`).
   */
  disabledIntegrations: z.array(z.string().min(1).max(200)).max(200).default([]),
});

export type Binding = z.infer<typeof BindingSchema>;
export type BindingsFile = z.infer<typeof BindingsFileSchema>;

/**
 * The binding set an execution carries in its workflow input, resolved once when it starts: a
 * change to the file never changes a running execution's bindings. `version` is the SHA-256 of
 * the file's text (`builtin` without a file).
 */
export interface BindingSet {
  version: string;
  bindings: Binding[];
  disabledIntegrations: string[];
}
