-- Up Migration
-- Issue #13: official documents. 发文字号 (机关代字〔年〕N号) and 简报期号 come from a counter per series
-- (the issuer's 机关代字, or its 简报) and year; a document keeps the number it was given when it is
-- re-rendered. The warning notices (启动/调整/解除通知) and 通报 are documents too; a PDF rendering
-- (LibreOffice) is cached beside the DOCX and HTML.
CREATE TABLE document_numbers (
  series      text NOT NULL,
  year        integer NOT NULL,
  last_number integer NOT NULL,
  PRIMARY KEY (series, year)
);

ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
  CHECK (kind IN ('daily-report', 'unit-summary', 'work-summary', 'warning-notice', 'circulated-notice'));
ALTER TABLE documents ADD COLUMN series text;
ALTER TABLE documents ADD COLUMN year integer;
ALTER TABLE documents ADD COLUMN number integer;
ALTER TABLE documents ADD COLUMN printed_number text;
ALTER TABLE documents ADD COLUMN pdf bytea;
ALTER TABLE documents ADD COLUMN pdf_hash text;
CREATE UNIQUE INDEX documents_number ON documents (series, year, number) WHERE number IS NOT NULL;

-- What the office writes into the work summary (问题与经验); absent = the plan's placeholder.
CREATE TABLE episode_document_texts (
  episode_id  text NOT NULL,
  field       text NOT NULL CHECK (field IN ('lessons')),
  text        text NOT NULL,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, field)
);

-- Down Migration
DROP TABLE episode_document_texts;
DROP INDEX documents_number;
ALTER TABLE documents DROP COLUMN pdf_hash;
ALTER TABLE documents DROP COLUMN pdf;
ALTER TABLE documents DROP COLUMN printed_number;
ALTER TABLE documents DROP COLUMN number;
ALTER TABLE documents DROP COLUMN year;
ALTER TABLE documents DROP COLUMN series;
DELETE FROM documents WHERE kind IN ('warning-notice', 'circulated-notice');
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
  CHECK (kind IN ('daily-report', 'unit-summary', 'work-summary'));
DROP TABLE document_numbers;
