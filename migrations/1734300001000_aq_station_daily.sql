-- Up Migration
-- #14 performance: each station's daily items (HJ 663 validity applied by src/domain/observed-aqi.ts)
-- kept beside its hours, recomputed for the station-days an hourly import changes, so that a year of
-- daily AQI reads 365 rows per station instead of 8,760 hours. A station-day without a row has no hours.
CREATE TABLE aq_station_daily (
  station_code text NOT NULL REFERENCES aq_stations (code),
  day date NOT NULL,
  items jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_code, day)
);

-- Down Migration
DROP TABLE aq_station_daily;
