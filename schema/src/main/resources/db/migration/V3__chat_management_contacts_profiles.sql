-- V3: per-member chat management, message edit/delete, contacts with aliases, profiles.

-- Each member's own view of a conversation; the other member is never affected.
ALTER TABLE conversation_members
    ADD COLUMN pinned_at   timestamptz,                      -- pinned chats first, most recently pinned on top
    ADD COLUMN archived    boolean NOT NULL DEFAULT false,   -- a new message unarchives
    ADD COLUMN muted       boolean NOT NULL DEFAULT false,   -- no alerts; still delivered and counted
    ADD COLUMN cleared_seq bigint  NOT NULL DEFAULT 0 CHECK (cleared_seq >= 0), -- history up to here hidden for me
    ADD COLUMN hidden_seq  bigint CHECK (hidden_seq >= 0);   -- "deleted" chat: hidden until a message above this arrives

ALTER TABLE messages
    ADD COLUMN edited_at  timestamptz,
    ADD COLUMN deleted_at timestamptz;                       -- tombstone: body emptied, row kept so seq has no gap

ALTER TABLE users
    ADD COLUMN bio text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 280);

-- People search by username or display name prefix, case-insensitive.
CREATE INDEX users_display_name_lower_idx ON users (lower(display_name) text_pattern_ops);

CREATE TABLE contacts (
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    alias      text        CHECK (alias IS NULL OR char_length(alias) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, contact_id),
    CONSTRAINT contacts_not_self CHECK (owner_id <> contact_id)
);
CREATE INDEX contacts_contact_idx ON contacts (contact_id);
