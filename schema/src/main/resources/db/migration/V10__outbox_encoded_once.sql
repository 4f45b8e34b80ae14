-- Events are encoded once (issue 15): an outbox row keeps the exact frame clients get and, beside
-- it, the routing data that travels in AMQP headers. Rows written before this change have no kind
-- and hold the older broker form (the frame with its recipients inside); the relay still reads them.
ALTER TABLE outbox RENAME COLUMN envelope TO frame;
ALTER TABLE outbox
    ADD COLUMN kind           text,
    ADD COLUMN recipients     uuid[],
    ADD COLUMN session_id     uuid,
    ADD COLUMN accepted_at_ms bigint,
    ADD COLUMN trace          text;
