-- Up Migration
-- The read side (CQRS): each episode's domain events folded into its full state by the projection
-- (the recordEvents activity), with the sequence number applied so far. The API answers every read
-- from here, never from a workflow Query, and waits on applied_seq for read-your-writes.
CREATE TABLE episode_projection (
  episode_id   text PRIMARY KEY,
  applied_seq  integer NOT NULL DEFAULT 0,
  state        jsonb NOT NULL,                 -- foldEpisode of events 1..applied_seq
  forecast     jsonb NOT NULL DEFAULT '[]',    -- the forecast of the last consultation
  recent       jsonb NOT NULL DEFAULT '[]',    -- the 20 most recent events, oldest first
  last_event_at timestamptz,                   -- the domain time of event applied_seq
  applied_at   timestamptz NOT NULL DEFAULT now()
);

-- Complete Temporal histories of closed episodes (every run), so auditors replay beyond retention.
CREATE TABLE episode_histories (
  episode_id   text NOT NULL,
  run_id       text NOT NULL,
  status       text NOT NULL,                  -- COMPLETED, CONTINUED_AS_NEW, TERMINATED …
  started_at   timestamptz NOT NULL,
  closed_at    timestamptz NOT NULL,
  event_count  integer NOT NULL,
  history      jsonb NOT NULL,                 -- temporal.api.history.v1.History as JSON
  exported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, run_id)
);
CREATE INDEX episode_histories_closed ON episode_histories (closed_at DESC);

-- Down Migration
DROP TABLE episode_histories;
DROP TABLE episode_projection;
