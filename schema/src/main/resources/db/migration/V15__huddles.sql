-- V15: huddles in channels (issue 20). A huddle is a live call of a channel's members, at most 8,
-- each pair joined by its own peer connection (a mesh); the server only relays their signals. Its
-- state lives here so any api instance takes any frame and ws-nodes only route. A channel has at
-- most one live huddle; it ends when the last participant leaves (or goes offline).
CREATE TABLE huddles (
    id              uuid        PRIMARY KEY,
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    started_by      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at        timestamptz,
    -- grows with every change of the huddle: clients keep the highest they saw
    version         bigint      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX huddles_live_idx ON huddles (conversation_id) WHERE ended_at IS NULL;

-- who is in a live huddle, on which device (the socket session signals are addressed to), with
-- microphone, camera and screen on or off; one place per person (joining on another device moves it)
CREATE TABLE huddle_participants (
    huddle_id uuid        NOT NULL REFERENCES huddles (id) ON DELETE CASCADE,
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session   uuid        NOT NULL,
    audio     boolean     NOT NULL,
    video     boolean     NOT NULL,
    screen    boolean     NOT NULL DEFAULT false,
    joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (huddle_id, user_id)
);
CREATE INDEX huddle_participants_user_idx ON huddle_participants (user_id);
