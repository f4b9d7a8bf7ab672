-- Task callbacks (`.waitForTaskToken`) and Step Functions activities (external workers).

-- Process-wide settings shared by the API and the workers (e.g. the task-token signing key).
CREATE TABLE settings (
  name   text PRIMARY KEY,
  value  text NOT NULL
);

-- Tasks waiting for an activity worker: GetActivityTask claims one (FOR UPDATE SKIP LOCKED), so
-- several pollers never get the same task. Rows go when the task is answered or expires.
CREATE TABLE activity_tasks (
  token_nonce    text PRIMARY KEY,
  activity_name  text NOT NULL,
  execution_id   text NOT NULL,
  task_token     text NOT NULL,
  input          json NOT NULL,
  status         text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'STARTED')),
  worker_name    text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz
);
CREATE INDEX activity_tasks_queue_idx ON activity_tasks (activity_name, created_at) WHERE status = 'QUEUED';
