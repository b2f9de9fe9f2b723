-- Up Migration
-- Where a photo's capture time and position come from: its own EXIF ('file'), or, for a photo the
-- console compressed in the browser (the canvas drops EXIF), what the browser read from the original
-- before compressing ('browser'). Null when the photo says neither.
ALTER TABLE photos
  ADD COLUMN exif_source text CHECK (exif_source IN ('file', 'browser'));

-- Down Migration
ALTER TABLE photos DROP COLUMN exif_source;
