-- EXPRESS children of a Distributed Map's Map Run (ProcessorConfig.ExecutionType EXPRESS): as on
-- AWS they keep no execution history and are neither listed nor described as executions; their
-- row only carries the status and output the Map Run counts and collects.
ALTER TABLE executions ADD COLUMN express boolean NOT NULL DEFAULT false;
