-- Administration: when each account was last active, when its sessions were last revoked, what
-- admins did, and an index that makes "messages in the last hour/day" cheap.

-- last_seen_at: the last time the account was online (set when its presence changes).
-- sessions_revoked_at: access tokens issued before this instant are refused (force logout,
-- disable); refresh tokens are deleted at the same time.
ALTER TABLE users
    ADD COLUMN last_seen_at        timestamptz,
    ADD COLUMN sessions_revoked_at timestamptz;
CREATE INDEX users_created_at_idx ON users (created_at);

-- Messages are appended in time order: a BRIN index answers time ranges at almost no write cost.
CREATE INDEX messages_created_at_brin ON messages USING brin (created_at);

-- Every admin action: who, what, on what, when and why. Never updated, never deleted by the app.
CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid        REFERENCES users (id) ON DELETE SET NULL,
    actor_name  text        NOT NULL,
    action      text        NOT NULL,
    target_type text        NOT NULL,
    target_id   text        NOT NULL,
    reason      text,
    details     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, id);
