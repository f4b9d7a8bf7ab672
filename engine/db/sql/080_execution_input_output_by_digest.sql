-- An execution's input or output of 4 KiB or more is kept once per execution, in
-- execution_payloads (070), beside the history events that carry the same text: the row holds its
-- SHA-256 (`input_digest`, `output_digest`) and NULL in `input` or `output`. A start of a large
-- input and the event ExecutionStarted then store one copy, not two; a close and the event
-- ExecutionSucceeded likewise. Rows written before keep their values inline (no digest).
ALTER TABLE executions ALTER COLUMN input DROP NOT NULL;
ALTER TABLE executions ADD COLUMN input_digest bytea;
ALTER TABLE executions ADD COLUMN output_digest bytea;
ALTER TABLE executions ADD CONSTRAINT executions_input_kept CHECK (input IS NOT NULL OR input_digest IS NOT NULL) NOT VALID;

-- The payload `digest` of execution `execution_id` as JSON (NULL for a NULL digest, without a
-- lookup: a row whose value is inline reads no payload).
CREATE FUNCTION stepflow_payload(execution_id text, digest bytea) RETURNS json
LANGUAGE sql STABLE STRICT AS $$
  SELECT p.body::json FROM execution_payloads p WHERE p.execution_id = $1 AND p.digest = $2
$$;

-- As in 030, with the input and output read where they are kept.
CREATE OR REPLACE FUNCTION stepflow_notify_status(e executions, new_status text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  event_seq bigint;
  running boolean := new_status = 'RUNNING';
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM notification_targets t
     WHERE t.enabled
       AND (cardinality(t.state_machines) = 0 OR e.state_machine = ANY (t.state_machines))
       AND (cardinality(t.statuses) = 0 OR new_status = ANY (t.statuses))
  ) THEN
    RETURN;
  END IF;
  INSERT INTO notification_events (execution_id, state_machine, name, status, start_date, stop_date, input, output,
                                   error, cause, redrive_count, redrive_date, published_version, alias)
  VALUES (e.execution_id, e.state_machine, e.name, new_status, e.start_date,
          CASE WHEN running THEN NULL ELSE e.stop_date END,
          COALESCE(e.input, stepflow_payload(e.execution_id, e.input_digest))::text,
          CASE WHEN running THEN NULL ELSE COALESCE(e.output, stepflow_payload(e.execution_id, e.output_digest))::text END,
          CASE WHEN running THEN NULL ELSE e.error END,
          CASE WHEN running THEN NULL ELSE e.cause END,
          e.redrive_count, e.redrive_date, e.published_version, e.alias)
  RETURNING seq INTO event_seq;
  INSERT INTO notification_deliveries (target_id, event_seq, execution_id)
  SELECT t.id, event_seq, e.execution_id FROM notification_targets t
   WHERE t.enabled
     AND (cardinality(t.state_machines) = 0 OR e.state_machine = ANY (t.state_machines))
     AND (cardinality(t.statuses) = 0 OR new_status = ANY (t.statuses));
  PERFORM pg_notify('stepflow_notifications', '');
END $$;
