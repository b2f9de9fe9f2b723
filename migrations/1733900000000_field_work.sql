-- Up Migration
-- Field work (issue #15): cases, inspections, today's task assignments and check-ins, hand-overs to
-- the competent departments, fire points, vehicle checks, inspection groups, and the contradiction
-- flags of daily reports. Every row carries the county it belongs to (scope: a branch its own county).

CREATE TABLE field_cases (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           text NOT NULL CHECK (kind IN ('followup', 'monitoring', 'evidence', 'penalty')),
  enterprise_id  text NOT NULL,
  county         text NOT NULL,
  episode_id     text,
  owner_unit     text NOT NULL,                 -- branch.<county> or enforcement
  title          text NOT NULL DEFAULT '',
  opened_at      timestamptz NOT NULL,
  opened_by      text NOT NULL,
  due_at         timestamptz NOT NULL,
  state          text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  closed_at      timestamptz,
  closed_by      text,
  close_reason   text,
  monitoring_result text,                       -- 监督性监测 result
  decision_number   text,                       -- 立案 处罚决定书文号
  notes          text NOT NULL DEFAULT '',
  inspection_id  uuid,
  -- where it came from: 'electricity:<episode>:<seq>' for a follow-up of the accounting (unique)
  source_key     text UNIQUE,
  escalated_steps integer NOT NULL DEFAULT 0,   -- ladder steps already sent
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (state = 'open' OR close_reason IS NOT NULL)
);
CREATE INDEX field_cases_county ON field_cases (county, state, due_at);
CREATE INDEX field_cases_open_due ON field_cases (due_at) WHERE state = 'open';

CREATE TABLE field_case_updates (
  id          bigserial PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES field_cases (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,                    -- opened | updated | closed | escalated
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX field_case_updates_case ON field_case_updates (case_id, id);

CREATE TABLE field_inspections (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id     text NOT NULL,
  county            text NOT NULL,
  unit_id           text NOT NULL,
  officer           text NOT NULL,
  inspected_at      timestamptz NOT NULL,
  day               date NOT NULL,             -- CST date of inspected_at
  level             text,                       -- the level in force whose measures were checked
  measures_required text NOT NULL DEFAULT '',   -- the enterprise's 一厂一策 for that level, as checked
  measures_in_place boolean NOT NULL,
  findings          text NOT NULL DEFAULT '',
  photo_ids         uuid[] NOT NULL DEFAULT '{}',
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX field_inspections_day ON field_inspections (county, day);

-- Today's tasks: who is assigned, and the check-in/out on site (the selection itself is computed).
CREATE TABLE field_task_visits (
  day            date NOT NULL,
  enterprise_id  text NOT NULL,
  task           text NOT NULL CHECK (task IN ('supervise', 'patrol')),
  unit_id        text NOT NULL,
  county         text NOT NULL,
  officer        text,
  checked_in_at  timestamptz,
  checked_out_at timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, enterprise_id, task, unit_id)
);

CREATE TABLE field_handovers (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county         text NOT NULL,
  unit_id        text NOT NULL,
  site_kind      text NOT NULL,                 -- construction-site | stockyard | … (plan data)
  site_name      text NOT NULL,
  problem        text NOT NULL,
  department     text NOT NULL,                 -- plan unit id (dept.housing …)
  day            date NOT NULL,
  photo_ids      uuid[] NOT NULL DEFAULT '{}',
  state          text NOT NULL DEFAULT 'handed-over' CHECK (state IN ('handed-over', 'answered')),
  answer         text,
  answered_at    timestamptz,
  propose_notice boolean NOT NULL DEFAULT false,
  told_at        timestamptz,                   -- the department (and, for a proposed 通报, the office) told
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX field_handovers_day ON field_handovers (county, day);

CREATE TABLE field_fire_points (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county       text NOT NULL,
  longitude    double precision NOT NULL,
  latitude     double precision NOT NULL,
  observed_at  timestamptz NOT NULL,
  day          date NOT NULL,
  source       text NOT NULL,                   -- entered | satellite-csv
  place        text NOT NULL DEFAULT '',
  satellite    text NOT NULL DEFAULT '',
  notes        text NOT NULL DEFAULT '',
  created_by   text NOT NULL,
  notified_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (county, longitude, latitude, observed_at)
);
CREATE INDEX field_fire_points_day ON field_fire_points (county, day);

CREATE TABLE field_vehicle_checks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county          text NOT NULL,
  unit_id         text NOT NULL,
  day             date NOT NULL,
  place           text NOT NULL DEFAULT '',
  vehicles_checked  integer NOT NULL CHECK (vehicles_checked >= 0),
  vehicles_exceeding integer NOT NULL CHECK (vehicles_exceeding >= 0),
  vehicles_penalised integer NOT NULL CHECK (vehicles_penalised >= 0),
  machinery_checked  integer NOT NULL DEFAULT 0 CHECK (machinery_checked >= 0),
  with_traffic_police boolean NOT NULL DEFAULT true,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (vehicles_exceeding <= vehicles_checked AND vehicles_penalised <= vehicles_exceeding)
);
CREATE INDEX field_vehicle_checks_day ON field_vehicle_checks (county, day);

CREATE TABLE field_inspection_groups (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  day         date NOT NULL,
  members     text[] NOT NULL,
  counties    text[] NOT NULL,
  enterprise_ids text[] NOT NULL DEFAULT '{}',
  findings    text NOT NULL DEFAULT '',
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A daily report contradicting the day's records or the electricity accounting (五(四)2 谎报、瞒报).
CREATE TABLE field_report_flags (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  episode_id     text NOT NULL,
  unit_id        text NOT NULL,
  county         text,
  report_id      text NOT NULL,
  day            date NOT NULL,
  rule           text NOT NULL,
  enterprise_id  text NOT NULL DEFAULT '',
  message        text NOT NULL,
  notified_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (episode_id, unit_id, report_id, rule, enterprise_id)
);
CREATE INDEX field_report_flags_created ON field_report_flags (created_at DESC);

-- Down Migration
DROP TABLE field_report_flags;
DROP TABLE field_inspection_groups;
DROP TABLE field_vehicle_checks;
DROP TABLE field_fire_points;
DROP TABLE field_handovers;
DROP TABLE field_task_visits;
DROP TABLE field_inspections;
DROP TABLE field_case_updates;
DROP TABLE field_cases;
