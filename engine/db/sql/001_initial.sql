-- Stepflow's own schema. Forward-only: never edit a migration once it has landed.
-- Payloads are `json`, not `jsonb`: jsonb reorders object keys, and users get back their
-- definitions, inputs and outputs with keys in the order they wrote them (as Step Functions does).

CREATE TABLE state_machines (
  name            text PRIMARY KEY,
  type            text NOT NULL DEFAULT 'STANDARD' CHECK (type IN ('STANDARD', 'EXPRESS')),
  latest_version  integer NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Every definition ever submitted, immutable; a new definition makes a new version.
CREATE TABLE state_machine_versions (
  state_machine    text NOT NULL REFERENCES state_machines (name) ON DELETE CASCADE,
  version          integer NOT NULL,
  definition       json NOT NULL,
  definition_hash  text NOT NULL,
  plan             json NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (state_machine, version),
  UNIQUE (state_machine, definition_hash)
);

CREATE TABLE executions (
  execution_id   text PRIMARY KEY,
  state_machine  text NOT NULL,
  version        integer NOT NULL,
  name           text NOT NULL,
  status         text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
  input          json NOT NULL,
  output         json,
  error          text,
  cause          text,
  start_date     timestamptz NOT NULL DEFAULT now(),
  stop_date      timestamptz,
  workflow_started boolean NOT NULL DEFAULT false,
  FOREIGN KEY (state_machine, version) REFERENCES state_machine_versions (state_machine, version),
  UNIQUE (state_machine, name)
);
CREATE INDEX executions_status_idx ON executions (status, start_date);

-- Step Functions-style history events, written idempotently (keyed by execution and event id).
CREATE TABLE execution_events (
  execution_id       text NOT NULL REFERENCES executions (execution_id) ON DELETE CASCADE,
  event_id           integer NOT NULL,
  previous_event_id  integer NOT NULL,
  type               text NOT NULL,
  timestamp          timestamptz NOT NULL,
  details            json NOT NULL,
  PRIMARY KEY (execution_id, event_id)
);
