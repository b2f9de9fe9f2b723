-- Up Migration
-- The auditors' record: every domain event of every episode, in order (projected by the workflow).
CREATE TABLE episode_events (
  episode_id  text NOT NULL,
  seq         integer NOT NULL,
  type        text NOT NULL,
  at          timestamptz NOT NULL,
  actor       jsonb NOT NULL,
  payload     jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, seq)
);
CREATE INDEX episode_events_type ON episode_events (episode_id, type);

-- Unit daily reports (the workflow holds their ids and deadlines; the content lives here).
CREATE TABLE unit_reports (
  report_id     text PRIMARY KEY,
  episode_id    text NOT NULL,
  unit_id       text NOT NULL,
  response_day  integer NOT NULL,
  fields        jsonb NOT NULL,
  submitted_by  text NOT NULL,
  late          boolean NOT NULL,
  submitted_at  timestamptz NOT NULL
);
CREATE INDEX unit_reports_episode ON unit_reports (episode_id, response_day, unit_id);

-- Unit episode summaries after the lift.
CREATE TABLE unit_summaries (
  summary_id    text PRIMARY KEY,
  episode_id    text NOT NULL,
  unit_id       text NOT NULL,
  text          text NOT NULL,
  submitted_by  text NOT NULL,
  late          boolean NOT NULL,
  submitted_at  timestamptz NOT NULL,
  UNIQUE (episode_id, unit_id)
);

-- Public warnings as issued (CAP 1.2 XML), for the public feed.
CREATE TABLE cap_alerts (
  identifier  text PRIMARY KEY,
  episode_id  text NOT NULL,
  msg_type    text NOT NULL,
  level       text NOT NULL,
  jurisdiction text NOT NULL,
  exercise    boolean NOT NULL,
  sent        timestamptz NOT NULL,
  xml         text NOT NULL
);
CREATE INDEX cap_alerts_sent ON cap_alerts (sent DESC);

-- Down Migration
DROP TABLE cap_alerts;
DROP TABLE unit_summaries;
DROP TABLE unit_reports;
DROP TABLE episode_events;
