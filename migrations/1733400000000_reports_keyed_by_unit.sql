-- Up Migration
-- Security finding 3: a client-chosen report/summary id already used by another unit of the episode
-- was accepted and its content silently dropped. Content is keyed by unit; the API claims each
-- (episode, unit, id) with a hash of its content first, so the same id with other content is a 409.
ALTER TABLE unit_reports DROP CONSTRAINT unit_reports_pkey;
ALTER TABLE unit_reports ADD PRIMARY KEY (episode_id, unit_id, report_id);
ALTER TABLE unit_summaries DROP CONSTRAINT unit_summaries_pkey;
ALTER TABLE unit_summaries ADD PRIMARY KEY (episode_id, unit_id, summary_id);

CREATE TABLE submission_claims (
  episode_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('report', 'summary')),
  unit_id       text NOT NULL,
  submission_id text NOT NULL,          -- the report id; '' for a summary (one per unit and episode)
  content_hash  text NOT NULL,          -- SHA-256 of the content as the API received it
  claimed_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, kind, unit_id, submission_id)
);

-- Down Migration
DROP TABLE submission_claims;
ALTER TABLE unit_summaries DROP CONSTRAINT unit_summaries_pkey;
ALTER TABLE unit_summaries ADD PRIMARY KEY (episode_id, summary_id);
ALTER TABLE unit_reports DROP CONSTRAINT unit_reports_pkey;
ALTER TABLE unit_reports ADD PRIMARY KEY (episode_id, report_id);
