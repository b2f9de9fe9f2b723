-- Up Migration
-- 五(一)4: the expert committee's opinion on the effect of an episode's response, attached by the office
-- (text, and optionally the signed document as a file). One per episode; a new PUT replaces it.
CREATE TABLE episode_expert_opinions (
  episode_id     text PRIMARY KEY,
  text           text NOT NULL,
  document       bytea,
  document_name  text,
  document_type  text,
  document_sha256 text,
  updated_by     text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((document IS NULL) = (document_name IS NULL))
);

-- Down Migration
DROP TABLE episode_expert_opinions;
