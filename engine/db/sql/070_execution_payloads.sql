-- Large payloads stored once per execution. An event's `input`, `output` or `parameters` of
-- 4 KiB or more is kept in execution_payloads, keyed by its SHA-256, and the event's details
-- hold null in its place; `payload_refs` says where each one goes
-- (`[["<member>", "<field>", "<digest hex>"], …]`) and `payload_bytes` how many bytes of JSON
-- text they add, so a page of history is bounded by the size it is served at. A payload that
-- several events carry (a state's input, its Task's parameters, the Task's result, the next
-- state's input…) is written once instead of once per event.
CREATE TABLE execution_payloads (
  execution_id  text NOT NULL REFERENCES executions (execution_id) ON DELETE CASCADE,
  digest        bytea NOT NULL,
  body          text NOT NULL,
  PRIMARY KEY (execution_id, digest)
);
ALTER TABLE execution_events ADD COLUMN payload_refs json;
ALTER TABLE execution_events ADD COLUMN payload_bytes integer;
