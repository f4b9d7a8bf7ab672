-- DescribeMapRun's resultsWritten: how many child executions (and how many items they hold) a
-- Map Run's ResultWriter wrote to its S3 destination. Set (not added to) each time the results
-- are written, since a redrive rewrites every item's latest child under the same keys.
ALTER TABLE map_runs ADD COLUMN results_written integer NOT NULL DEFAULT 0;
ALTER TABLE map_runs ADD COLUMN items_written integer NOT NULL DEFAULT 0;
