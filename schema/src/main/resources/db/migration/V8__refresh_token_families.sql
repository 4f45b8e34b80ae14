-- Refresh-token reuse detection. Every login starts a family; each refresh rotates the token within
-- it. A spent token is kept (used_at) instead of deleted, so presenting it again is recognised:
-- after a short grace (two tabs refreshing at once) that means the token was copied, and the
-- whole family is revoked. Logout revokes the family too.
ALTER TABLE refresh_tokens ADD COLUMN family uuid, ADD COLUMN used_at timestamptz;
UPDATE refresh_tokens SET family = gen_random_uuid();
ALTER TABLE refresh_tokens ALTER COLUMN family SET NOT NULL;
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
