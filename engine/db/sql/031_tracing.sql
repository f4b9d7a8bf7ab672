-- OpenTelemetry: a state machine's `tracingConfiguration.enabled` (NULL: the deployment's
-- default, STEPFLOW_TRACING_DEFAULT), and the trace an execution was started in.
ALTER TABLE state_machines ADD COLUMN tracing_enabled boolean;
ALTER TABLE executions ADD COLUMN trace_id text;
