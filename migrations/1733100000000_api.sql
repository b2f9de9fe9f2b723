-- Up Migration
-- The HTTP API: principals and their bearer tokens (stored as SHA-256 hashes only), idempotency
-- records of POST requests, photos attached to unit reports, and the episodes' business date.

CREATE TABLE principals (
  id          text PRIMARY KEY,
  role        text NOT NULL CHECK (role IN ('office', 'commander', 'leader', 'unit', 'auditor', 'admin')),
  unit        text,                               -- plan unit id (branch.<county>, enforcement, office …)
  name        text NOT NULL DEFAULT '',
  disabled    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'unit' OR unit IS NOT NULL)
);

CREATE TABLE api_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash    text NOT NULL UNIQUE,             -- hex SHA-256 of the token; the token itself is never stored
  principal_id  text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  label         text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_principal ON api_tokens (principal_id);

-- One row per (principal, Idempotency-Key). status NULL = the first request is still running.
CREATE TABLE idempotency_keys (
  principal_id  text NOT NULL,
  key           text NOT NULL,
  method        text NOT NULL,
  route         text NOT NULL,                    -- route pattern + concrete URL path
  request_hash  text NOT NULL,
  status        integer,
  content_type  text,
  location      text,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Photos of unit daily reports (jpeg/png/webp), uploaded before or with the report.
CREATE TABLE photos (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit_id       text NOT NULL,
  uploaded_by   text NOT NULL,
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  file_name     text NOT NULL DEFAULT '',
  size          integer NOT NULL,
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX photos_unit ON photos (unit_id, created_at);

-- The CST date of the business id (episode:<jurisdiction>:<date>:<seq>) for date-range listing.
ALTER TABLE episodes ADD COLUMN business_date text GENERATED ALWAYS AS (split_part(id, ':', 3)) STORED;
CREATE INDEX episodes_business_date ON episodes (business_date DESC, id DESC);
CREATE INDEX cap_alerts_episode ON cap_alerts (episode_id, sent);

-- Down Migration
DROP INDEX cap_alerts_episode;
ALTER TABLE episodes DROP COLUMN business_date;
DROP TABLE photos;
DROP TABLE idempotency_keys;
DROP TABLE api_tokens;
DROP TABLE principals;
