-- Up Migration
-- Generated documents (daily report, unit summary, work summary), DOCX and HTML, one per
-- (episode, kind, key). facts_hash makes producing idempotent; content_hash identifies the bytes.
CREATE TABLE documents (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  episode_id       text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('daily-report', 'unit-summary', 'work-summary')),
  doc_key          text NOT NULL,
  title            text NOT NULL,
  facts            jsonb NOT NULL,
  facts_hash       text NOT NULL,
  content_hash     text NOT NULL,
  docx             bytea NOT NULL,
  html             bytea NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT documents_business_key UNIQUE (episode_id, kind, doc_key)
);
CREATE INDEX documents_episode ON documents (episode_id, kind);

-- Down Migration
DROP TABLE documents;
