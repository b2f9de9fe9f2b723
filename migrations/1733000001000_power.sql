-- Up Migration
-- Emergency reduction list (应急减排清单), electricity meters, daily readings, and assessments.
CREATE TABLE enterprises (
  id               text PRIMARY KEY,
  name             text NOT NULL,
  uscc             text NOT NULL,                 -- 统一社会信用代码 (GB 32100-2015)
  county           text NOT NULL,                 -- plan jurisdiction id
  industry         text NOT NULL DEFAULT '',
  grade            text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'unrated')),
  grade_label      text NOT NULL,                 -- as written in the list (A, B-, 引领性 …)
  key_enterprise   boolean NOT NULL DEFAULT false,
  exemption        text NOT NULL DEFAULT 'none' CHECK (exemption IN ('none', 'heating', 'livelihood')),
  measures         jsonb NOT NULL DEFAULT '{}',    -- {"yellow": {"summary": "...", "percent": 15}, ...}
  source_file      text,
  imported_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX enterprises_uscc ON enterprises (uscc);
CREATE INDEX enterprises_county ON enterprises (county);

CREATE TABLE enterprise_meters (
  meter_id         text PRIMARY KEY,
  enterprise_id    text NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE
);
CREATE INDEX enterprise_meters_enterprise ON enterprise_meters (enterprise_id);

-- One reading per meter and CST day; imports and API fetches upsert.
CREATE TABLE meter_readings (
  meter_id         text NOT NULL,
  day              date NOT NULL,
  kwh              double precision NOT NULL CHECK (kwh >= 0),
  source           text NOT NULL,                 -- 'api' | 'csv' | 'xlsx'
  received_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter_id, day)
);
CREATE INDEX meter_readings_day ON meter_readings (day);

-- One assessment per (episode, day); recomputing replaces it.
CREATE TABLE electricity_assessments (
  episode_id       text NOT NULL,
  day              date NOT NULL,
  level            text NOT NULL,
  counts           jsonb NOT NULL,
  summary          jsonb NOT NULL,                -- the (capped) payload handed back to the workflow
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, day)
);

CREATE TABLE electricity_verdicts (
  episode_id       text NOT NULL,
  day              date NOT NULL,
  enterprise_id    text NOT NULL,
  verdict          text NOT NULL,
  reason           text NOT NULL,
  baseline         double precision,
  consumption      double precision,
  cut              double precision,
  required         double precision,
  days_used        integer NOT NULL,
  PRIMARY KEY (episode_id, day, enterprise_id),
  FOREIGN KEY (episode_id, day) REFERENCES electricity_assessments (episode_id, day) ON DELETE CASCADE
);
CREATE INDEX electricity_verdicts_open ON electricity_verdicts (episode_id, day, verdict);

-- Down Migration
DROP TABLE electricity_verdicts;
DROP TABLE electricity_assessments;
DROP TABLE meter_readings;
DROP TABLE enterprise_meters;
DROP TABLE enterprises;
