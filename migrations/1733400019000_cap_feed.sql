-- Up Migration
-- The public feed (issue 19): what an entry and the public page show without parsing the XML, when an
-- alert stops being in force, and the alert in the national format (GB/T 35965.1).
ALTER TABLE cap_alerts
  ADD COLUMN effective timestamptz,
  ADD COLUMN expires timestamptz,
  ADD COLUMN headline text,
  ADD COLUMN description text,
  ADD COLUMN instruction text,
  ADD COLUMN area_code text,
  ADD COLUMN national_identifier text,
  ADD COLUMN national_xml text;
CREATE INDEX cap_alerts_national_identifier ON cap_alerts (national_identifier);

-- Down Migration
DROP INDEX cap_alerts_national_identifier;
ALTER TABLE cap_alerts
  DROP COLUMN national_xml,
  DROP COLUMN national_identifier,
  DROP COLUMN area_code,
  DROP COLUMN instruction,
  DROP COLUMN description,
  DROP COLUMN headline,
  DROP COLUMN expires,
  DROP COLUMN effective;
