-- V2: receipts as per-member cursors, never a row per message per member.
-- delivered_seq: the highest seq some device of this member has received (live or by sync).
-- read_seq: the highest seq this member has seen. Both only move forward; read implies delivered.
ALTER TABLE conversation_members
    ADD COLUMN delivered_seq bigint NOT NULL DEFAULT 0 CHECK (delivered_seq >= 0),
    ADD COLUMN read_seq      bigint NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
    ADD CONSTRAINT conversation_members_read_le_delivered CHECK (read_seq <= delivered_seq);
