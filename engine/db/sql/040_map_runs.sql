-- Distributed Map runs (a Map state with ProcessorConfig.Mode DISTRIBUTED): one row per Map Run,
-- its items stored once (each child execution reads its own by index), and the child executions
-- linked to it. Counts by status are read from the children, so nothing is counted twice.
CREATE TABLE map_runs (
  map_run_arn              text PRIMARY KEY,
  execution_id             text NOT NULL REFERENCES executions (execution_id) ON DELETE CASCADE,
  state_name               text NOT NULL,
  label                    text NOT NULL,
  status                   text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
  execution_type           text NOT NULL DEFAULT 'STANDARD' CHECK (execution_type IN ('STANDARD', 'EXPRESS')),
  max_concurrency          integer NOT NULL DEFAULT 0,
  tolerated_failure_count  integer NOT NULL DEFAULT 0,
  tolerated_failure_percentage real NOT NULL DEFAULT 0,
  -- Items (each ItemBatcher batch counts its items) and child executions (one per item or batch).
  item_count               integer NOT NULL,
  child_count              integer NOT NULL,
  -- The ItemProcessor as a plan: what every child execution runs.
  plan                     json NOT NULL,
  error                    text,
  cause                    text,
  start_date               timestamptz NOT NULL DEFAULT now(),
  stop_date                timestamptz,
  redrive_count            integer NOT NULL DEFAULT 0,
  redrive_date             timestamptz,
  -- The parent's redrive count when this run was started or last redriven.
  parent_redrive_count     integer NOT NULL DEFAULT 0
);
CREATE INDEX map_runs_execution_idx ON map_runs (execution_id, start_date);

CREATE TABLE map_run_items (
  map_run_arn  text NOT NULL REFERENCES map_runs (map_run_arn) ON DELETE CASCADE,
  item_index   integer NOT NULL,
  item         json NOT NULL,
  -- How many items this child's input holds (a batch's Items), for DescribeMapRun's itemCounts.
  size         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (map_run_arn, item_index)
);

ALTER TABLE executions ADD COLUMN map_run_arn text;
ALTER TABLE executions ADD COLUMN map_run_index integer;
CREATE INDEX executions_map_run_idx ON executions (map_run_arn, map_run_index) WHERE map_run_arn IS NOT NULL;
