-- Step Functions resources beyond the definition store: revisions, published versions, aliases,
-- tags and activities. Forward-only: never edit a migration once it has landed.

-- The machine's current revision (Step Functions' `revisionId`): a new one whenever the definition,
-- the role or the logging configuration changes. `definition_text` is the definition exactly as
-- last submitted through the protocol (Step Functions echoes the text, and compares it for an
-- idempotent CreateStateMachine); `last_published` numbers published versions 1..n, never reused.
ALTER TABLE state_machines ADD COLUMN revision_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE state_machines ADD COLUMN definition_text text;
ALTER TABLE state_machines ADD COLUMN logging_configuration json;
ALTER TABLE state_machines ADD COLUMN last_published integer NOT NULL DEFAULT 0;

-- Published versions (`…:stateMachine:<name>:<n>`): an immutable snapshot of one revision. Each
-- runs one stored definition (`state_machine_versions`, which keeps every distinct definition).
CREATE TABLE published_versions (
  state_machine       text NOT NULL REFERENCES state_machines (name) ON DELETE CASCADE,
  version_number      integer NOT NULL CHECK (version_number > 0),
  definition_version  integer NOT NULL,
  revision_id         uuid NOT NULL,
  role_arn            text,
  definition_text     text,
  description         text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (state_machine, version_number),
  FOREIGN KEY (state_machine, definition_version) REFERENCES state_machine_versions (state_machine, version)
);

-- Aliases (`…:stateMachine:<name>:<alias>`) route executions to one or two published versions.
CREATE TABLE state_machine_aliases (
  state_machine  text NOT NULL REFERENCES state_machines (name) ON DELETE CASCADE,
  name           text NOT NULL,
  description    text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (state_machine, name)
);

-- A version an alias routes to may not be deleted (the foreign key backs the API's check).
CREATE TABLE state_machine_alias_routes (
  state_machine   text NOT NULL,
  alias           text NOT NULL,
  position        smallint NOT NULL,
  version_number  integer NOT NULL,
  weight          smallint NOT NULL CHECK (weight BETWEEN 0 AND 100),
  PRIMARY KEY (state_machine, alias, position),
  FOREIGN KEY (state_machine, alias) REFERENCES state_machine_aliases (state_machine, name) ON DELETE CASCADE,
  FOREIGN KEY (state_machine, version_number) REFERENCES published_versions (state_machine, version_number)
);

-- How an execution was started: through a published version, or an alias (which chose a version).
ALTER TABLE executions ADD COLUMN published_version integer;
ALTER TABLE executions ADD COLUMN alias text;
CREATE INDEX executions_published_version_idx ON executions (state_machine, published_version, start_date DESC)
  WHERE published_version IS NOT NULL;
CREATE INDEX executions_alias_idx ON executions (state_machine, alias, start_date DESC) WHERE alias IS NOT NULL;

-- Activities (`…:activity:<name>`): named external-worker task sources.
CREATE TABLE activities (
  name        text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Tags of state machines and activities, in the order they were first set.
CREATE TABLE resource_tags (
  resource_type  text NOT NULL CHECK (resource_type IN ('stateMachine', 'activity')),
  resource_name  text NOT NULL,
  key            text NOT NULL,
  value          text NOT NULL,
  position       bigserial,
  PRIMARY KEY (resource_type, resource_name, key)
);
