-- V5: invite links (tokens stored only as SHA-256 hashes) and mentions.

CREATE TABLE group_invites (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    group_id   uuid        NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL UNIQUE,
    created_by uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    max_uses   integer     CHECK (max_uses IS NULL OR max_uses > 0),
    uses       integer     NOT NULL DEFAULT 0 CHECK (uses >= 0),
    revoked_at timestamptz
);
CREATE INDEX group_invites_group_idx ON group_invites (group_id);

-- One row per mention (user_id) or per @channel (user_id NULL: everyone): never a row per member
-- per message. Unread mentions = rows above my read cursor that name me or everyone.
CREATE TABLE mentions (
    conversation_id uuid   NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    user_id         uuid   REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX mentions_conversation_seq_idx ON mentions (conversation_id, seq);
