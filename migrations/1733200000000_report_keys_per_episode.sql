-- Up Migration
-- Report and summary ids are chosen by clients (or derived from Idempotency-Key): unique per episode,
-- not globally. A global key let a second episode's report with the same id be dropped silently.
ALTER TABLE unit_reports DROP CONSTRAINT unit_reports_pkey;
ALTER TABLE unit_reports ADD PRIMARY KEY (episode_id, report_id);
ALTER TABLE unit_summaries DROP CONSTRAINT unit_summaries_pkey;
ALTER TABLE unit_summaries ADD PRIMARY KEY (episode_id, summary_id);

-- Down Migration
ALTER TABLE unit_summaries DROP CONSTRAINT unit_summaries_pkey;
ALTER TABLE unit_summaries ADD PRIMARY KEY (summary_id);
ALTER TABLE unit_reports DROP CONSTRAINT unit_reports_pkey;
ALTER TABLE unit_reports ADD PRIMARY KEY (report_id);
