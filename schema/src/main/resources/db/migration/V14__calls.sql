-- V14: 1:1 calls (issue 20). The call's state lives here, so any api instance can take any frame
-- of it and ws-nodes only route. The id is the caller's (an invite retried is the same call). A
-- call rings, may be answered on one device of the callee (callee_session), and ends once with a
-- reason; its record in the conversation's history is a message written when it ends.
CREATE TABLE calls (
    id              uuid        PRIMARY KEY,
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    caller_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    callee_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the device (socket session) that called, and the one that answered
    caller_session  uuid        NOT NULL,
    callee_session  uuid,
    video           boolean     NOT NULL,
    state           text        NOT NULL CHECK (state IN ('ringing', 'active', 'ended')),
    end_reason      text        CHECK (end_reason IN ('hangup', 'cancelled', 'rejected', 'missed', 'busy')),
    ended_by        uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    ringing_at      timestamptz,
    answered_at     timestamptz,
    ended_at        timestamptz,
    CONSTRAINT calls_ended_shape CHECK ((state = 'ended') = (ended_at IS NOT NULL AND end_reason IS NOT NULL)),
    CONSTRAINT calls_answered_shape CHECK (state <> 'active' OR (answered_at IS NOT NULL AND callee_session IS NOT NULL))
);
-- who is in a call now (busy), and the calls ringing too long (missed): both look at live calls only
CREATE INDEX calls_live_caller_idx ON calls (caller_id) WHERE state <> 'ended';
CREATE INDEX calls_live_callee_idx ON calls (callee_id) WHERE state <> 'ended';
CREATE INDEX calls_ringing_idx ON calls (created_at) WHERE state = 'ringing';
CREATE INDEX calls_conversation_idx ON calls (conversation_id, created_at);
