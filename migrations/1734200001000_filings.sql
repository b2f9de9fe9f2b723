-- Up Migration
-- 一厂一策 filing (五(一)3): per enterprise and list year, the filed measure sheet (a document and the
-- measures per level), its state (no row = 未报备; filed 已报备, returned 退回修改, approved 已审核) and
-- every transition with who made it and why. Reviewed by the branch of the enterprise's county.
CREATE TABLE filing_documents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id  text NOT NULL,
  year           integer NOT NULL,
  content_type   text NOT NULL CHECK (content_type IN ('application/pdf',
                   'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                   'image/jpeg', 'image/png')),
  file_name      text NOT NULL DEFAULT '',
  size           integer NOT NULL,
  sha256         text NOT NULL,
  data           bytea NOT NULL,
  uploaded_by    text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filing_documents_enterprise ON filing_documents (enterprise_id, year);

CREATE TABLE filings (
  enterprise_id  text NOT NULL,
  year           integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  county         text NOT NULL,
  state          text NOT NULL CHECK (state IN ('filed', 'returned', 'approved')),
  levels         jsonb NOT NULL,               -- {"yellow": {"measures": [...], "expectedCutPercent": 15, "linesToStop": [...]}, ...}
  content_hash   text NOT NULL,                -- of levels + document: a retried filing is recognised
  document_id    uuid REFERENCES filing_documents (id),
  revision       integer NOT NULL DEFAULT 1,
  filed_by       text NOT NULL,
  filed_at       timestamptz NOT NULL DEFAULT now(),
  reviewed_by    text,
  reviewed_at    timestamptz,
  reason         text,                         -- the reviewer's reason of the last return (or approval note)
  PRIMARY KEY (enterprise_id, year)
);
CREATE INDEX filings_county ON filings (year, county, state);

CREATE TABLE filing_events (
  id             bigserial PRIMARY KEY,
  enterprise_id  text NOT NULL,
  year           integer NOT NULL,
  from_state     text NOT NULL,
  to_state       text NOT NULL,
  actor          text NOT NULL,
  reason         text,
  at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (enterprise_id, year) REFERENCES filings (enterprise_id, year) ON DELETE CASCADE
);
CREATE INDEX filing_events_filing ON filing_events (enterprise_id, year, id);

-- Down Migration
DROP TABLE filing_events;
DROP TABLE filings;
DROP TABLE filing_documents;
