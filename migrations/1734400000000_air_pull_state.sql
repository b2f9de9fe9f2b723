-- Up Migration
-- The provincial platform pull (#14.1b): one row per source; the last successful pull, and while
-- pulls fail, since when, how many attempts, the last error and whether the office was alerted.
CREATE TABLE air_pull_state (
  source text PRIMARY KEY,
  last_success_at timestamptz,
  last_window_to timestamptz,
  failing_since timestamptz,
  failed_attempts integer NOT NULL DEFAULT 0,
  last_error text,
  alerted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE air_pull_state;
