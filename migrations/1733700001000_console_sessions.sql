-- Up Migration
-- Sign-in by OpenID Connect (#20.3): the console's cookie sessions and the sign-ins under way.
-- Only hashes of the cookie values are stored: a leaked database holds no usable session.
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  principal_id text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  -- the person's name as the identity provider gave it (shown in the console)
  display_name text NOT NULL DEFAULT '',
  -- the synchronizer token a state-changing request with this cookie must carry (X-CSRF-Token)
  csrf_token text NOT NULL,
  issuer text NOT NULL,
  subject text NOT NULL,
  -- the ID token, kept only as id_token_hint of the identity provider's sign-out
  id_token text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_principal ON console_sessions (principal_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

CREATE TABLE oidc_logins (
  state_hash text PRIMARY KEY,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  return_to text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE oidc_logins;
DROP TABLE console_sessions;
