-- V4: groups with channels. A channel is a conversation (kind 'channel') of a group; every group
-- member is a member of every channel, so per-member cursors, unread counts, mute and pin work per
-- channel exactly as for direct chats.

CREATE TABLE groups (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    description text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id  uuid        NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      text        NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id);
-- exactly one owner per group
CREATE UNIQUE INDEX group_members_one_owner ON group_members (group_id) WHERE role = 'owner';

ALTER TABLE conversations DROP CONSTRAINT conversations_kind_check;
ALTER TABLE conversations
    ADD CONSTRAINT conversations_kind_check CHECK (kind IN ('direct', 'channel')),
    ADD COLUMN group_id uuid REFERENCES groups (id) ON DELETE CASCADE,
    ADD COLUMN name     text CHECK (name IS NULL OR name ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    ADD COLUMN archived boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT conversations_channel_shape CHECK (kind <> 'channel' OR (group_id IS NOT NULL AND name IS NOT NULL));
CREATE UNIQUE INDEX conversations_group_channel_name ON conversations (group_id, name) WHERE kind = 'channel';
