-- Up Migration
-- Security finding 6: photos carry their dimensions and what their EXIF says (when and where they
-- were taken, the camera), for the field-work checks to build on.
ALTER TABLE photos
  ADD COLUMN width integer,
  ADD COLUMN height integer,
  ADD COLUMN taken_at timestamptz,
  ADD COLUMN gps_lat double precision,
  ADD COLUMN gps_lon double precision,
  ADD COLUMN camera text;

-- Down Migration
ALTER TABLE photos DROP COLUMN width, DROP COLUMN height, DROP COLUMN taken_at, DROP COLUMN gps_lat,
  DROP COLUMN gps_lon, DROP COLUMN camera;
