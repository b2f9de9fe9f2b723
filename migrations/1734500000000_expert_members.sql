-- Up Migration
-- 五(一)4: the expert committee (专家委员会) — its members, kept by the office — and which members an
-- episode's opinion (episode_expert_opinions) is signed by.
CREATE TABLE expert_members (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  organisation  text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 100),
  specialty     text NOT NULL CHECK (length(specialty) BETWEEN 1 AND 100),
  active        boolean NOT NULL DEFAULT true,
  created_by    text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE episode_expert_opinions ADD COLUMN member_ids uuid[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE episode_expert_opinions DROP COLUMN member_ids;
DROP TABLE expert_members;
