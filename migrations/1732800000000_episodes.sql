-- Up Migration
-- Read model of episodes, kept current by projection activities of the episode workflow.
CREATE TABLE episodes (
  id              text PRIMARY KEY,              -- the Temporal workflow id
  jurisdiction    text NOT NULL,
  phase           text NOT NULL,
  level           text NOT NULL DEFAULT 'none',
  response        text,
  exercise        boolean NOT NULL DEFAULT false,
  plan_id         text NOT NULL,
  plan_version    integer NOT NULL,
  started_at      timestamptz NOT NULL,
  closed_at       timestamptz,
  state           jsonb NOT NULL,                 -- last projected summary of the state
  event_count     integer NOT NULL DEFAULT 0,     -- projections only move forward
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX episodes_jurisdiction_started ON episodes (jurisdiction, started_at DESC);
CREATE INDEX episodes_phase ON episodes (phase);

-- Down Migration
DROP TABLE episodes;
