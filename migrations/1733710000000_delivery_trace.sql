-- Up Migration
-- Issue 16.4: each delivery keeps the request id (X-Request-Id) and trace id it was sent under, when
-- tracing is on, so a message can be followed back to the request that caused it.
ALTER TABLE notification_deliveries
  ADD COLUMN request_id text,
  ADD COLUMN trace_id text;

-- Down Migration
ALTER TABLE notification_deliveries DROP COLUMN request_id, DROP COLUMN trace_id;
