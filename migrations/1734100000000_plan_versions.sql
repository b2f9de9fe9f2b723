-- Up Migration
-- #18 (五(一)1) Response plans as published data: every version of the city's and each county's plan,
-- a draft the office revises, then published with the date from which it is in force. A published
-- version never changes (the trigger below refuses an UPDATE or DELETE of one): an episode pins the
-- version in force when it starts. Seeded from the repository's plans by migrateUp (idempotent).
CREATE TABLE plan_versions (
  plan_id         text NOT NULL,
  version         integer NOT NULL CHECK (version >= 1),
  jurisdiction    text NOT NULL,
  name            text NOT NULL,
  content         jsonb NOT NULL,
  state           text NOT NULL CHECK (state IN ('draft', 'published')),
  -- CST date from which a published version governs new episodes of its jurisdiction
  effective_from  date,
  source          text NOT NULL CHECK (source IN ('repository', 'upload')),
  drafted_by      text NOT NULL,
  drafted_at      timestamptz NOT NULL DEFAULT now(),
  published_by    text,
  published_at    timestamptz,
  PRIMARY KEY (plan_id, version),
  CHECK (state = 'draft' OR (effective_from IS NOT NULL AND published_by IS NOT NULL AND published_at IS NOT NULL)),
  -- the document says what the row says
  CHECK (content->>'id' = plan_id AND (content->>'version')::integer = version
         AND content->>'jurisdiction' = jurisdiction)
);
-- at most one open draft per plan
CREATE UNIQUE INDEX plan_versions_one_draft ON plan_versions (plan_id) WHERE state = 'draft';
CREATE INDEX plan_versions_in_force ON plan_versions (jurisdiction, effective_from DESC, version DESC)
  WHERE state = 'published';

CREATE FUNCTION plan_versions_published_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'published' THEN
    RAISE EXCEPTION 'plan % version % is published and cannot change', OLD.plan_id, OLD.version
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER plan_versions_published_immutable
  BEFORE UPDATE OR DELETE ON plan_versions
  FOR EACH ROW EXECUTE FUNCTION plan_versions_published_immutable();

-- Down Migration
DROP TABLE plan_versions;
DROP FUNCTION plan_versions_published_immutable();
