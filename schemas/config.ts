import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

/** Every environment variable Stepflow reads, with its default. Parsed once by `loadConfig`. */
export const ConfigSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/stepflow'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('stepflow'),
  /** Base of the managed local Temporal server's ports (frontend = base, HTTP = base+10, ...). */
  TEMPORAL_PORT_BASE: z.coerce
    .number()
    .int()
    .min(1300)
    .max(32747, "must be at most 32747: Temporal stores membership ports (base-300 … base+20) as smallint")
    .default(7233),
  FUNCTIONS_DIR: z.string().min(1).default('./functions'),
  /** A worker serves Prometheus `/metrics` on HOST:WORKER_METRICS_PORT when set. */
  WORKER_METRICS_PORT: port.optional(),
  /** Where the managed local Temporal server keeps its config and logs. */
  STEPFLOW_DATA_DIR: z.string().min(1).default('./.data'),
  /** Where the Temporal server binaries are built (outside the repo, shared by clones). */
  STEPFLOW_CACHE_DIR: z.string().min(1).optional(),
  /** The API the `stepflow` client commands talk to (default: http://HOST:PORT). */
  STEPFLOW_URL: z.string().url().optional(),
  /** `<id>.<secret>` of the API key the client commands send (`--key` overrides). */
  STEPFLOW_API_KEY: z.string().optional(),
  /** Set (to anything) to turn colours off in the CLI's output (no-color.org). */
  NO_COLOR: z.string().optional(),
  /** Key that signs task tokens; when unset, one is generated and kept in the database. */
  STEPFLOW_TOKEN_SECRET: z.string().min(16).optional(),
  /** Cap on the history events of one execution (0: none); a state machine's `MaxHistoryEvents` may lower it. */
  STEPFLOW_MAX_HISTORY_EVENTS: z.coerce.number().int().min(0).default(1_000_000),
  /** How long StopExecution lets a workflow stop by itself before terminating it in Temporal. */
  STEPFLOW_STOP_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /**
   * A workflow task on its attempt number this (after failing or timing out every time before)
   * ends its execution FAILED. At least 5: Temporal flags such workflows after 5 problems.
   */
  STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS: z.coerce.number().int().min(5).max(1000).default(6),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;
