-- Step Functions protocol details of a state machine: its role, and soft deletion (executions of
-- a deleted machine stay readable; creating the name again brings the machine back).
ALTER TABLE state_machines ADD COLUMN role_arn text;
ALTER TABLE state_machines ADD COLUMN deleted_at timestamptz;

-- How a stop was requested (StopExecution's error and cause) is kept on the execution itself.
CREATE INDEX executions_state_machine_idx ON executions (state_machine, start_date DESC);
