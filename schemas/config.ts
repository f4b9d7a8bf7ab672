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
  /** `true`: TLS to TEMPORAL_ADDRESS even without the files below (system roots); `false`: never. */
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /** PEM file of the CA that signed the Temporal frontend's certificate (turns TLS on). */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  /** PEM files of a client certificate and its key, for mTLS (both or neither; turn TLS on). */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** Server name (SNI) to verify instead of TEMPORAL_ADDRESS's host (turns TLS on). */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** API key sent as a bearer token (Temporal Cloud); turns TLS on unless TEMPORAL_TLS=false. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Base of the managed local Temporal server's ports (frontend = base, HTTP = base+10, ...). */
  TEMPORAL_PORT_BASE: z.coerce
    .number()
    .int()
    .min(1300)
    .max(32747, 'must be at most 32747: Temporal stores membership ports (base-300 … base+20) as smallint')
    .default(7233),
  FUNCTIONS_DIR: z.string().min(1).default('./functions'),
  /** The function host: processes at most (each runs one invocation at a time). */
  FUNCTIONS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /**
   * The function host: invocations it holds beyond those running, each waiting for a free process
   * (its `…Started` events are written meanwhile). 0 takes a task only when a process is free.
   */
  FUNCTIONS_QUEUE_DEPTH: z.coerce.number().int().min(0).max(1024).default(16),
  /** The function host: resident memory (and V8 heap) limit of one function process, MB. */
  FUNCTIONS_MEMORY_LIMIT_MB: z.coerce.number().int().min(64).max(65536).default(512),
  /** The function host: CPU time (user + system) one invocation may use, seconds. */
  FUNCTIONS_CPU_LIMIT_SECONDS: z.coerce.number().positive().max(86400).default(60),
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
  /**
   * `<key id>.<secret>` of an admin key the API registers at start (idempotent): a fresh
   * deployment's first key, without ever running open. Turns authentication on.
   */
  STEPFLOW_ADMIN_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,64}\.[\x21-\x7e]{16,256}$/,
      'must be <key id>.<secret>: an id of letters, digits, _ or -, a secret of 16 to 256 visible ASCII characters',
    )
    .optional(),
  /** 32 bytes (64 hex digits or base64) that seal API key secrets; default: <STEPFLOW_DATA_DIR>/master.key, made on first use. */
  STEPFLOW_MASTER_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'must be 32 bytes as 64 hex digits or base64')
    .optional(),
  /** Cap on the history events of one execution (0: none); a state machine's `MaxHistoryEvents` may lower it. */
  STEPFLOW_MAX_HISTORY_EVENTS: z.coerce.number().int().min(0).default(1_000_000),
  /**
   * An execution's workflow continues as new at its next top-level state once its Temporal
   * history has this many events (or Temporal suggests it): far below Temporal's 51,200.
   */
  STEPFLOW_CONTINUE_AS_NEW_EVENTS: z.coerce.number().int().min(100).max(40_000).default(8_000),
  /** Same, for the bytes of the Temporal history (Temporal's limit: 50 MiB). */
  STEPFLOW_CONTINUE_AS_NEW_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(40 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** How long StopExecution lets a workflow stop by itself before terminating it in Temporal. */
  STEPFLOW_STOP_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /**
   * A workflow task on its attempt number this (after failing or timing out every time before)
   * ends its execution FAILED. At least 5: Temporal flags such workflows after 5 problems.
   */
  STEPFLOW_MAX_WORKFLOW_TASK_ATTEMPTS: z.coerce.number().int().min(5).max(1000).default(6),
  /**
   * The same when every problem was a timeout: a worker that died holding the task or a starved
   * machine, not a poison execution (a workflow task that stalls fails on the SDK's deadlock
   * detector instead), so it takes far longer before Stepflow gives up on it.
   */
  STEPFLOW_MAX_WORKFLOW_TASK_TIMEOUTS: z.coerce.number().int().min(5).max(100_000).default(20),
  /** JSON file of resource bindings (README "Resources"); re-read when it changes, each execution keeps the set it started with. */
  STEPFLOW_BINDINGS: z.string().min(1).optional(),
  /** Host names and CIDRs (comma-separated) the egress guard lets HTTP Tasks reach despite being loopback, private, … */
  STEPFLOW_EGRESS_ALLOW: z
    .string()
    .regex(/^[A-Za-z0-9.:/,\s-]*$/, 'must be comma-separated host names and CIDRs')
    .optional(),
  /** `true`: S3 requests use path-style URLs (MinIO, s3rver, LocalStack). */
  STEPFLOW_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /**
   * The wire protocol of the SQS client: `json` (AWS's, the SDK's default) or `query` (the older
   * form/XML protocol that goaws and other older SQS-compatible servers speak).
   */
  STEPFLOW_SQS_PROTOCOL: z.enum(['json', 'query']).default('json'),
  /** Whether this API process runs the notification dispatcher (one of all API replicas delivers at a time). */
  STEPFLOW_NOTIFICATIONS: z.enum(['on', 'off']).default('on'),
  /** The longest wait between two delivery attempts of one notification, seconds. */
  STEPFLOW_NOTIFICATIONS_MAX_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** OTLP/HTTP collector base URL (spans go to `<url>/v1/traces`); unset: spans are not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** `service.name` of this process's spans (default `stepflow-<role>`). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Whether executions of a state machine without `tracingConfiguration.enabled` are traced. */
  STEPFLOW_TRACING_DEFAULT: z.enum(['enabled', 'disabled']).default('enabled'),
  /** `pretty`: human-readable logs; `json`: JSON lines; default: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Webhooks: how far (seconds, either way) a delivery's signature timestamp may be from now. */
  STEPFLOW_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  /** `stepflow triggers`: how often (seconds) it reloads the queue triggers configured through the API. */
  STEPFLOW_TRIGGERS_RELOAD_SECONDS: z.coerce.number().min(0.2).max(3600).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;
