-- V9: rich messages. Attachments are uploaded in chunks before the message that carries them;
-- replies point at a seq of the same conversation; reactions are one row per (message, emoji,
-- user). Edits, deletes and reactions bump a per-conversation version so a client that was away
-- can fetch exactly the messages that changed (GET …/changes?since=).

CREATE TABLE attachments (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    size            bigint      NOT NULL CHECK (size > 0),
    -- what the client said until completion, then what the bytes are (sniffed)
    content_type    text        NOT NULL,
    chunk_size      integer     NOT NULL CHECK (chunk_size > 0),
    kind            text        CHECK (kind IN ('image', 'video', 'audio', 'voice', 'file')),
    voice           boolean     NOT NULL DEFAULT false,
    width           integer,
    height          integer,
    duration_ms     integer,
    waveform        smallint[],
    thumbnail       bytea,
    completed_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_unsent_idx ON attachments (created_at);

-- The bytes, in the chunks they were uploaded in (the storage behind AttachmentStorage).
CREATE TABLE attachment_chunks (
    attachment_id uuid    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    idx           integer NOT NULL CHECK (idx >= 0),
    data          bytea   NOT NULL,
    PRIMARY KEY (attachment_id, idx)
);

ALTER TABLE conversations ADD COLUMN last_version bigint NOT NULL DEFAULT 0;

ALTER TABLE messages
    ADD COLUMN attachment_id uuid REFERENCES attachments (id),
    ADD COLUMN reply_to      bigint CHECK (reply_to > 0),
    ADD COLUMN version       bigint NOT NULL DEFAULT 0;
-- an attachment is carried by one message at most
CREATE UNIQUE INDEX messages_attachment_key ON messages (attachment_id) WHERE attachment_id IS NOT NULL;
-- only changed messages have a version: new ones cost no entry here
CREATE INDEX messages_conversation_version_idx ON messages (conversation_id, version) WHERE version > 0;

CREATE TABLE reactions (
    conversation_id uuid        NOT NULL,
    seq             bigint      NOT NULL,
    emoji           text        NOT NULL CHECK (octet_length(emoji) BETWEEN 1 AND 64),
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq, emoji, user_id),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
);
