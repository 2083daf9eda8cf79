-- Accounts: users with hashed passwords, API keys stored hashed, and tasks owned by a user.
-- UUIDs are TEXT; timestamps UTC ISO-8601 text written by the service (see V1).
CREATE TABLE users (
    id               TEXT      PRIMARY KEY,
    email            TEXT      NOT NULL,
    -- lower-cased in the service (Locale.ROOT), so uniqueness is case-insensitive on both databases
    email_normalized TEXT      NOT NULL,
    name             TEXT,
    password_hash    TEXT      NOT NULL, -- PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    is_active        BOOLEAN   NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_admin         BOOLEAN   NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_normalized_key ON users (email_normalized);

CREATE TABLE api_keys (
    id           TEXT      PRIMARY KEY,
    user_id      TEXT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix       TEXT      NOT NULL, -- the public part of tl_<prefix>_<secret>: finds the row
    key_hash     TEXT      NOT NULL, -- hex SHA-256 of the whole key
    name         TEXT,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

-- Existing tasks have no owner until the service assigns them to the admin (ADMIN_EMAIL) at startup;
-- until then they are visible to nobody.
ALTER TABLE tasks ADD COLUMN owner_id TEXT REFERENCES users (id) ON DELETE CASCADE;
DROP INDEX tasks_is_completed_id_idx;
CREATE INDEX tasks_owner_id_id_idx ON tasks (owner_id, id);
CREATE INDEX tasks_owner_id_is_completed_id_idx ON tasks (owner_id, is_completed, id);
