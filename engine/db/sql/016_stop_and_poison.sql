-- StopExecution always ends the Temporal workflow: the stop is remembered until the workflow has
-- recorded ExecutionAborted itself, or until the reconciler terminated it and recorded the event
-- (stop_finalized: the workflow's own late completion then writes nothing).
ALTER TABLE executions ADD COLUMN stop_requested_at timestamptz;
ALTER TABLE executions ADD COLUMN stop_finalized boolean NOT NULL DEFAULT false;
CREATE INDEX executions_stop_requested_idx ON executions (stop_requested_at) WHERE stop_requested_at IS NOT NULL;
