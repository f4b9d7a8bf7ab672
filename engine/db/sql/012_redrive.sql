-- RedriveExecution: how many times an execution was redriven and when last, and where its states
-- stood when it last ended (the resume point a redrive continues from; null once it succeeded).
ALTER TABLE executions ADD COLUMN redrive_count integer NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN redrive_date timestamptz;
ALTER TABLE executions ADD COLUMN resume json;
