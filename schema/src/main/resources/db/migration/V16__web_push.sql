-- V16: Web Push (issue 21). One row per browser subscription (a device), keyed by the push
-- service's endpoint URL, which is unique to it; the login session that made it, so logging out
-- removes it. The keys are the browser's: p256dh (65-byte P-256 point) and auth (16 bytes).
CREATE TABLE push_subscriptions (
    endpoint   text        PRIMARY KEY CHECK (char_length(endpoint) <= 2048),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id uuid,
    p256dh     bytea       NOT NULL CHECK (octet_length(p256dh) = 65),
    auth       bytea       NOT NULL CHECK (octet_length(auth) = 16),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_session_idx ON push_subscriptions (session_id);

-- Whether a push shows the message's words, or only who wrote and where.
ALTER TABLE users ADD COLUMN push_previews boolean NOT NULL DEFAULT true;
