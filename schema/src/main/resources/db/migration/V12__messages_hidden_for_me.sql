-- V11: "delete for me": a member hides single messages from their own view, on all their devices.
-- The message itself is untouched (the other members keep it); leaving the conversation drops the rows.
CREATE TABLE hidden_messages (
    conversation_id uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    seq             bigint      NOT NULL CHECK (seq > 0),
    hidden_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id, seq),
    FOREIGN KEY (conversation_id, user_id) REFERENCES conversation_members (conversation_id, user_id) ON DELETE CASCADE
);
