-- Triggers (issue 14): schedules (on Temporal Schedules), webhooks and queue triggers. Each
-- targets a state machine, optionally a published version or an alias.
CREATE TABLE trigger_schedules (
  name text PRIMARY KEY,
  state_machine text NOT NULL,
  version integer,
  alias text,
  input jsonb NOT NULL,
  expression text NOT NULL,
  time_zone text NOT NULL,
  overlap text NOT NULL,
  description text NOT NULL DEFAULT '',
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per action a schedule took: the nominal time is the key, so a schedule firing twice
-- for the same time (a retry, a repeated backfill) records, and starts, one execution.
CREATE TABLE trigger_schedule_executions (
  schedule text NOT NULL REFERENCES trigger_schedules (name) ON DELETE CASCADE,
  scheduled_time timestamptz NOT NULL,
  execution_id text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule, scheduled_time)
);

-- The secret is kept only sealed under the master key (engine/api/key-secrets.ts): the
-- signature check needs it back, and a database dump alone must not yield it.
CREATE TABLE trigger_webhooks (
  id text PRIMARY KEY,
  name text NOT NULL,
  state_machine text NOT NULL,
  version integer,
  alias text,
  secret_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz
);

-- A queue trigger: the broker URL (it may carry credentials) is sealed; url_redacted is what the
-- API shows.
CREATE TABLE trigger_queues (
  name text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('nats', 'rabbitmq')),
  url_sealed text NOT NULL,
  url_redacted text NOT NULL,
  source text NOT NULL,
  subject text,
  dead_letter text NOT NULL,
  state_machine text NOT NULL,
  version integer,
  alias text,
  max_in_flight integer NOT NULL,
  max_attempts integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
