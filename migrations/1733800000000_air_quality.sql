-- Up Migration
-- #14 Observed air quality: the monitoring stations of each jurisdiction (reference data, imported) and
-- their hourly concentrations (imported; late and corrected values replace earlier ones by station and
-- hour). A NULL concentration is a missing or invalid hour, never zero.
CREATE TABLE aq_stations (
  code text PRIMARY KEY,
  name text NOT NULL,
  jurisdiction text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('national', 'provincial')),
  source_file text,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX aq_stations_jurisdiction ON aq_stations (jurisdiction);

CREATE TABLE aq_hourly (
  station_code text NOT NULL REFERENCES aq_stations (code),
  -- the START of the hour (the file labels it by its end)
  hour_start timestamptz NOT NULL,
  pm25 double precision CHECK (pm25 >= 0),
  pm10 double precision CHECK (pm10 >= 0),
  so2 double precision CHECK (so2 >= 0),
  no2 double precision CHECK (no2 >= 0),
  co double precision CHECK (co >= 0),
  o3 double precision CHECK (o3 >= 0),
  source text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_code, hour_start)
);
CREATE INDEX aq_hourly_hour ON aq_hourly (hour_start);

-- Down Migration
DROP TABLE aq_hourly;
DROP TABLE aq_stations;
