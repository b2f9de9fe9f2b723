-- Up Migration
-- Security finding 7: every administrative act (principals, tokens) in an append-only log the
-- auditors read; tokens for another principal only after a confirmation (a second administrator or
-- the principal itself).
CREATE TABLE admin_log (
  seq        bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor_id   text NOT NULL,                 -- principal id, or 'cli:<user>' for the principals CLI
  action     text NOT NULL,
  target_id  text,
  details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_log_target ON admin_log (target_id, seq);

CREATE FUNCTION admin_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER admin_log_no_update BEFORE UPDATE OR DELETE ON admin_log
  FOR EACH ROW EXECUTE FUNCTION admin_log_append_only();
CREATE TRIGGER admin_log_no_truncate BEFORE TRUNCATE ON admin_log
  FOR EACH STATEMENT EXECUTE FUNCTION admin_log_append_only();

CREATE TABLE token_requests (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id  text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  requested_by  text NOT NULL,
  label         text NOT NULL DEFAULT '',
  expires_in_days integer NOT NULL,
  confirm_by    text NOT NULL CHECK (confirm_by IN ('second-admin', 'principal')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  confirmed_by  text,
  confirmed_at  timestamptz,
  token_id      uuid
);

-- Down Migration
DROP TABLE token_requests;
DROP TABLE admin_log;
DROP FUNCTION admin_log_append_only();
