-- messages, partitioned by hash of conversation_id: the migration path (docs/SCALING.md,
-- "Partitioning messages"), not yet one of Flyway's migrations. ./chat bench partitions runs it on
-- a copy (a scratch database with the real schema, V1..V14, and generated history), checks that
-- the copy holds the same rows and keeps every rule, and measures pages and sends on both tables.
--
-- Why by conversation and not by time: every hot read names one conversation (a page by seq, the
-- catch-up after a seq, the changes since a version, a reply's quote, a reaction's message), so
-- each is pruned to one partition at execution time, and (conversation_id, seq), the key that
-- orders a chat and that reactions refer to, stays a real unique key (a unique key of a
-- partitioned table must hold the partition key). By time, (conversation_id, seq) could not be
-- unique, a page of an old chat would probe every month, and the newest partition would take every
-- write. What moves out of messages for it:
--   * the idempotency key (sender_id, client_msg_id), unique across conversations (a clientMsgId
--     used in another conversation is a 409), becomes the primary key of message_keys, written in
--     the same statement as the message (a send's "earlier?" probe reads it instead);
--   * the primary key on id (no partition key in it) becomes a plain index on id in each
--     partition: ids still come from one sequence, so they stay unique and ordered;
--   * "an attachment is carried by one message" is kept per conversation (the attachment's
--     uploader sends it in one conversation; the send path already checks it is unused).
-- Search's GIN index, the BRIN on created_at and the partial indexes become one per partition:
-- a search across a user's chats probes each partition's GIN (16 smaller trees instead of one).
--
-- In production, on a big table, the same steps run online instead of this one copy: create
-- messages_p and message_keys empty; have the send path write both tables (a trigger on messages,
-- or the application) from one deploy on; copy older rows in batches by id range
-- (INSERT ... SELECT ... WHERE id BETWEEN a AND b ON CONFLICT DO NOTHING), each batch its own
-- transaction; then, in one short transaction, rename the tables and repoint reactions' foreign key
-- (ADD CONSTRAINT ... NOT VALID, then VALIDATE, which does not block writes). Flyway runs each of
-- these as its own versioned migration, the copy as a Java migration in batches (one SQL
-- migration is one transaction: over a billion rows it would hold its locks for hours).

CREATE SEQUENCE messages_p_id_seq AS bigint;
SELECT setval('messages_p_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM messages), false);

CREATE TABLE messages_p (
    id              bigint      NOT NULL DEFAULT nextval('messages_p_id_seq'),
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL CHECK (seq > 0),
    sender_id       uuid        NOT NULL REFERENCES users (id),
    client_msg_id   text        NOT NULL,
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    edited_at       timestamptz,
    deleted_at      timestamptz,
    attachment_id   uuid        REFERENCES attachments (id),
    reply_to        bigint      CHECK (reply_to > 0),
    version         bigint      NOT NULL DEFAULT 0,
    search          tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('simple', body), 'A')) STORED,
    has_link        boolean     GENERATED ALWAYS AS (body ~* 'https?://[^[:space:]]') STORED,
    PRIMARY KEY (conversation_id, seq)
) PARTITION BY HASH (conversation_id);
ALTER SEQUENCE messages_p_id_seq OWNED BY messages_p.id;

-- 16 partitions: a few GB each at a billion messages; more later by splitting each into two
-- (modulus 32), one at a time
DO $$
BEGIN
    FOR r IN 0..15 LOOP
        EXECUTE format('CREATE TABLE messages_p%s PARTITION OF messages_p FOR VALUES WITH (MODULUS 16, REMAINDER %s)', r, r);
    END LOOP;
END $$;

CREATE INDEX messages_p_id_idx ON messages_p (id);
CREATE UNIQUE INDEX messages_p_attachment_key ON messages_p (conversation_id, attachment_id) WHERE attachment_id IS NOT NULL;
CREATE INDEX messages_p_conversation_version_idx ON messages_p (conversation_id, version) WHERE version > 0;
CREATE INDEX messages_p_created_at_brin ON messages_p USING brin (created_at);
CREATE INDEX messages_p_search_idx ON messages_p USING gin (search);
CREATE INDEX messages_p_has_link_idx ON messages_p (id) WHERE has_link;

-- the idempotency key, unique across every conversation as before
CREATE TABLE message_keys (
    sender_id       uuid   NOT NULL,
    client_msg_id   text   NOT NULL,
    conversation_id uuid   NOT NULL,
    seq             bigint NOT NULL,
    PRIMARY KEY (sender_id, client_msg_id)
);

-- the copy (on a big table: in batches, see above)
INSERT INTO messages_p (id, conversation_id, seq, sender_id, client_msg_id, body, created_at, edited_at, deleted_at,
                        attachment_id, reply_to, version)
SELECT id, conversation_id, seq, sender_id, client_msg_id, body, created_at, edited_at, deleted_at,
       attachment_id, reply_to, version
FROM messages;
INSERT INTO message_keys (sender_id, client_msg_id, conversation_id, seq)
SELECT sender_id, client_msg_id, conversation_id, seq FROM messages;

-- reactions refer to the partitioned table from now on
ALTER TABLE reactions DROP CONSTRAINT reactions_conversation_id_seq_fkey;
ALTER TABLE reactions ADD CONSTRAINT reactions_message_fkey
    FOREIGN KEY (conversation_id, seq) REFERENCES messages_p (conversation_id, seq) ON DELETE CASCADE NOT VALID;
ALTER TABLE reactions VALIDATE CONSTRAINT reactions_message_fkey;
ANALYZE messages_p;
ANALYZE message_keys;
