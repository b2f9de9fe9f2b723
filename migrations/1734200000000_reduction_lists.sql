-- Up Migration
-- The emergency reduction list by year (五(一)3): each version is a snapshot of the list; a draft is
-- edited (import, carry-over, per-enterprise edits), a published version never changes (trigger).
-- An episode assesses the published version with the latest effective_from at or before its start.
CREATE TABLE reduction_lists (
  id               bigserial PRIMARY KEY,
  year             integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  state            text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
  effective_from   timestamptz,
  based_on         bigint REFERENCES reduction_lists (id),
  source_file      text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  published_by     text,
  published_at     timestamptz,
  CHECK ((state = 'published') = (effective_from IS NOT NULL AND published_at IS NOT NULL))
);
-- one draft per year at a time
CREATE UNIQUE INDEX reduction_lists_one_draft ON reduction_lists (year) WHERE state = 'draft';
CREATE INDEX reduction_lists_in_force ON reduction_lists (effective_from DESC) WHERE state = 'published';

CREATE TABLE reduction_list_entries (
  list_id          bigint NOT NULL REFERENCES reduction_lists (id) ON DELETE CASCADE,
  enterprise_id    text NOT NULL,
  name             text NOT NULL,
  uscc             text NOT NULL,
  county           text NOT NULL,
  industry         text NOT NULL DEFAULT '',
  grade_label      text NOT NULL,                 -- the full value as written (A, B-, 引领性 …)
  key_enterprise   boolean NOT NULL DEFAULT false,
  exemption        text NOT NULL DEFAULT 'none' CHECK (exemption IN ('none', 'heating', 'livelihood')),
  meter_ids        text[] NOT NULL,
  measures         jsonb NOT NULL DEFAULT '{}',
  longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
  latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
  PRIMARY KEY (list_id, enterprise_id)
);
CREATE UNIQUE INDEX reduction_list_entries_uscc ON reduction_list_entries (list_id, uscc);
CREATE INDEX reduction_list_entries_county ON reduction_list_entries (list_id, county);

-- A published version and its entries never change.
CREATE FUNCTION reduction_list_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'reduction_lists' THEN
    IF OLD.state = 'published' THEN
      RAISE EXCEPTION 'reduction list % is published and cannot change', OLD.id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF EXISTS (SELECT 1 FROM reduction_lists l
             WHERE l.id = CASE WHEN TG_OP = 'INSERT' THEN NEW.list_id ELSE OLD.list_id END
               AND l.state = 'published') THEN
    RAISE EXCEPTION 'reduction list is published: its entries cannot change';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER reduction_lists_frozen BEFORE UPDATE OR DELETE ON reduction_lists
  FOR EACH ROW EXECUTE FUNCTION reduction_list_frozen();
CREATE TRIGGER reduction_list_entries_frozen BEFORE INSERT OR UPDATE OR DELETE ON reduction_list_entries
  FOR EACH ROW EXECUTE FUNCTION reduction_list_frozen();

-- Coordinates of an enterprise (经度/纬度), for the field-work photo distance check.
ALTER TABLE enterprises
  ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90);

-- A verdict keeps the grade as written and the county of the list it was judged under.
ALTER TABLE electricity_verdicts
  ADD COLUMN grade_label text,
  ADD COLUMN county text,
  ADD COLUMN list_id bigint;
ALTER TABLE electricity_assessments ADD COLUMN list_id bigint;

-- Down Migration
ALTER TABLE electricity_assessments DROP COLUMN list_id;
ALTER TABLE electricity_verdicts DROP COLUMN grade_label, DROP COLUMN county, DROP COLUMN list_id;
ALTER TABLE enterprises DROP COLUMN longitude, DROP COLUMN latitude;
DROP TABLE reduction_list_entries;
DROP TABLE reduction_lists;
DROP FUNCTION reduction_list_frozen();
