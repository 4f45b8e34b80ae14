-- V1: the walking skeleton's data. Identifiers of people and conversations are UUIDs (never
-- guessable sequences); message order is the per-conversation seq, allocated in the insert
-- transaction from conversations.last_seq.

CREATE TABLE users (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text        NOT NULL,
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_.]{3,32}$')
);
CREATE UNIQUE INDEX users_username_key ON users (username);

-- Opaque refresh tokens, stored as SHA-256 hashes only.
CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE conversations (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    kind       text        NOT NULL CHECK (kind IN ('direct')),
    -- For direct chats: the two user ids in ascending order, so "open or get" is one unique lookup.
    direct_key text        UNIQUE,
    last_seq   bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversations_direct_key CHECK (kind <> 'direct' OR direct_key IS NOT NULL)
);

CREATE TABLE conversation_members (
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user_idx ON conversation_members (user_id);

CREATE TABLE messages (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL CHECK (seq > 0),
    sender_id       uuid        NOT NULL REFERENCES users (id),
    client_msg_id   text        NOT NULL,
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq),
    CONSTRAINT messages_sender_client_msg_key UNIQUE (sender_id, client_msg_id)
);

-- Transactional outbox: an event row is written in the same transaction as the state change it
-- announces and deleted once the broker has confirmed it. Rows left behind (broker away, api
-- killed between commit and publish) are republished by every api instance's relay.
CREATE TABLE outbox (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    envelope   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
