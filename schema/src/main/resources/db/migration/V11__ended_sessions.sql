-- Sessions ended by logout (or by a refresh token presented twice). Their refresh tokens are
-- deleted; this row makes api refuse the session's access tokens (claim "sid" = the family) until
-- the last of them would have expired anyway, and is dropped after that.
CREATE TABLE ended_sessions (
    family     uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ended_at   timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX ended_sessions_user_idx ON ended_sessions (user_id, expires_at);
