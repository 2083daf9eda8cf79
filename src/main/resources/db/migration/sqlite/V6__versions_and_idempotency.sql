-- Row versions: the strong ETag of a task, category, item or user (system/http/Conditional). Every
-- UPDATE of a row sets version = version + 1 in its own statement, and a write under If-Match
-- checks the version in that same statement, so two writers from one ETag cannot both win.
ALTER TABLE tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- A category's representation embeds its items: any write to one of them is a new version of the
-- category (old and new category when an item moves).
CREATE TRIGGER items_insert_bumps_category AFTER INSERT ON items
BEGIN
    UPDATE categories SET version = version + 1 WHERE id = NEW.category_id;
END;
CREATE TRIGGER items_update_bumps_category AFTER UPDATE ON items
BEGIN
    UPDATE categories SET version = version + 1 WHERE id IN (OLD.category_id, NEW.category_id);
END;
CREATE TRIGGER items_delete_bumps_category AFTER DELETE ON items
BEGIN
    UPDATE categories SET version = version + 1 WHERE id = OLD.category_id;
END;

-- Idempotency-Key: the first response to a create, per user and key (system/idempotency). The key
-- itself is not stored, only its SHA-256; the response body is sealed with a key derived from it
-- (an API key's secret is in one), so the table alone replays nothing. Timestamps as in V1.
CREATE TABLE idempotency_keys (
    owner_id     TEXT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_hash     TEXT      NOT NULL, -- hex SHA-256 of the Idempotency-Key
    fingerprint  TEXT      NOT NULL, -- hex SHA-256 of the request's method, path and body
    claim        TEXT      NOT NULL, -- the request that holds the key while it runs
    locked_until TIMESTAMP NOT NULL, -- after this, a request still running is presumed dead
    expires_at   TIMESTAMP NOT NULL, -- IDEMPOTENCY_TTL_S after the claim; deleted after it
    status       INTEGER,            -- null while the first request runs
    location     TEXT,
    etag         TEXT,
    body         TEXT,               -- AES-GCM, Base64
    PRIMARY KEY (owner_id, key_hash)
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
