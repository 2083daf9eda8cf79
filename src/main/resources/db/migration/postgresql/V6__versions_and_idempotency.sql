-- Row versions: the strong ETag of a task, category, item or user (system/http/Conditional). Every
-- UPDATE of a row sets version = version + 1 in its own statement, and a write under If-Match
-- checks the version in that same statement, so two writers from one ETag cannot both win.
ALTER TABLE tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE categories ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE items ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- A category's representation embeds its items: any write to one of them is a new version of the
-- category (old and new category when an item moves). Statement triggers with transition tables:
-- one UPDATE per statement, whatever the number of items (a row trigger would update the same
-- category once per item of a cascading delete), and one statement locks the categories in one
-- order (two separate UPDATEs of old and new category could deadlock two moves).
CREATE FUNCTION items_bump_category_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE categories SET version = version + 1
     WHERE id IN (SELECT DISTINCT category_id FROM new_items);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE categories SET version = version + 1
     WHERE id IN (SELECT DISTINCT category_id FROM old_items);
  ELSE
    UPDATE categories SET version = version + 1
     WHERE id IN (SELECT category_id FROM old_items UNION SELECT category_id FROM new_items);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_insert_bumps_category AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION items_bump_category_version();
CREATE TRIGGER items_update_bumps_category AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION items_bump_category_version();
CREATE TRIGGER items_delete_bumps_category AFTER DELETE ON items
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION items_bump_category_version();

-- Idempotency-Key: the first response to a create, per user and key (system/idempotency). The key
-- itself is not stored, only its SHA-256; the response body is sealed with a key derived from it
-- (an API key's secret is in one), so the table alone replays nothing.
CREATE TABLE idempotency_keys (
    owner_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_hash     CHAR(64)    NOT NULL, -- hex SHA-256 of the Idempotency-Key
    fingerprint  CHAR(64)    NOT NULL, -- hex SHA-256 of the request's method, path and body
    claim        UUID        NOT NULL, -- the request that holds the key while it runs
    locked_until TIMESTAMPTZ NOT NULL, -- after this, a request still running is presumed dead
    expires_at   TIMESTAMPTZ NOT NULL, -- IDEMPOTENCY_TTL_S after the claim; deleted after it
    status       INTEGER,              -- null while the first request runs
    location     TEXT,
    etag         TEXT,
    body         TEXT,                 -- AES-GCM, Base64
    PRIMARY KEY (owner_id, key_hash)
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
