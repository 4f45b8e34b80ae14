-- An outbox row's age must count from when it was written, not from when its transaction began:
-- a send that waited on a busy conversation's lock would otherwise look stale to the relay the
-- moment it commits, and be published by the relay and by its own api instance both.
ALTER TABLE outbox ALTER COLUMN created_at SET DEFAULT clock_timestamp();
