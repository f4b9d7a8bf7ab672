-- Status-change notifications ("Step Functions Execution Status Change" events) through a
-- transactional outbox: a trigger on `executions` writes the event, and one delivery row per
-- matching target, in the same transaction as the status change, so no change is ever lost.
-- The dispatcher (engine/notifications/dispatcher.ts) delivers and deletes the rows.

CREATE TABLE notification_targets (
  id               text PRIMARY KEY,
  name             text NOT NULL UNIQUE,
  type             text NOT NULL CHECK (type IN ('webhook', 'nats', 'rabbitmq')),
  -- webhook: the URL POSTed to; nats: nats://host:port; rabbitmq: amqp(s)://user:pass@host:port/vhost
  url              text NOT NULL,
  -- nats: the subject (a JetStream stream must capture it); rabbitmq: the routing key
  subject          text,
  -- rabbitmq: the exchange ('' is the default exchange, routing by queue name)
  exchange         text,
  -- filters: empty means every state machine / every status
  state_machines   text[] NOT NULL DEFAULT '{}',
  statuses         text[] NOT NULL DEFAULT '{}',
  -- the signing secret, sealed under the master key (engine/api/key-secrets.ts)
  secret_sealed    text NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_count  bigint NOT NULL DEFAULT 0,
  last_delivered_at timestamptz,
  last_error       text,
  last_error_at    timestamptz
);

-- One status change, as it was when it happened (the row changes later).
CREATE TABLE notification_events (
  seq              bigserial PRIMARY KEY,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  execution_id     text NOT NULL,
  state_machine    text NOT NULL,
  name             text NOT NULL,
  status           text NOT NULL,
  start_date       timestamptz NOT NULL,
  stop_date        timestamptz,
  input            text,
  output           text,
  error            text,
  cause            text,
  redrive_count    integer NOT NULL DEFAULT 0,
  redrive_date     timestamptz,
  published_version integer,
  alias            text,
  time             timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- What is still to deliver, per target; delivered in `event_seq` order per execution.
CREATE TABLE notification_deliveries (
  target_id        text NOT NULL REFERENCES notification_targets (id) ON DELETE CASCADE,
  event_seq        bigint NOT NULL REFERENCES notification_events (seq) ON DELETE CASCADE,
  execution_id     text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  PRIMARY KEY (target_id, event_seq)
);
CREATE INDEX notification_deliveries_order_idx ON notification_deliveries (target_id, execution_id, event_seq);
CREATE INDEX notification_deliveries_event_idx ON notification_deliveries (event_seq);

-- Writes one event (and its deliveries) when a target wants it; wakes the dispatcher at commit.
CREATE FUNCTION stepflow_notify_status(e executions, new_status text) RETURNS void
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
          CASE WHEN running THEN NULL ELSE e.stop_date END, e.input::text,
          CASE WHEN running THEN NULL ELSE e.output::text END,
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

-- An execution is announced once its workflow exists (an execution whose start failed and was
-- removed never ran); from then on, every change of status is announced.
CREATE FUNCTION stepflow_executions_status_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.workflow_started THEN
      PERFORM stepflow_notify_status(NEW, 'RUNNING');
      IF NEW.status <> 'RUNNING' THEN PERFORM stepflow_notify_status(NEW, NEW.status); END IF;
    END IF;
  ELSIF NOT OLD.workflow_started AND NEW.workflow_started THEN
    PERFORM stepflow_notify_status(NEW, 'RUNNING');
    IF NEW.status <> 'RUNNING' THEN PERFORM stepflow_notify_status(NEW, NEW.status); END IF;
  ELSIF NEW.workflow_started AND NEW.status IS DISTINCT FROM OLD.status THEN
    PERFORM stepflow_notify_status(NEW, NEW.status);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER executions_status_notifications
  AFTER INSERT OR UPDATE OF status, workflow_started ON executions
  FOR EACH ROW EXECUTE FUNCTION stepflow_executions_status_changed();
