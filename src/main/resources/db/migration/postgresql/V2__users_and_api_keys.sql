-- Accounts: users with hashed passwords, API keys stored hashed, and tasks owned by a user.
CREATE TABLE users (
    id               UUID PRIMARY KEY,
    email            VARCHAR(254) NOT NULL,
    -- lower-cased in the service (Locale.ROOT), so uniqueness is case-insensitive on both databases
    email_normalized VARCHAR(254) NOT NULL,
    name             VARCHAR(100),
    password_hash    TEXT         NOT NULL, -- PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    is_active        BOOLEAN      NOT NULL DEFAULT TRUE,
    is_admin         BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL
);
CREATE UNIQUE INDEX users_email_normalized_key ON users (email_normalized);

CREATE TABLE api_keys (
    id           UUID PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix       VARCHAR(32) NOT NULL, -- the public part of tl_<prefix>_<secret>: finds the row
    key_hash     CHAR(64)    NOT NULL, -- hex SHA-256 of the whole key
    name         VARCHAR(100),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

-- Existing tasks have no owner until the service assigns them to the admin (ADMIN_EMAIL) at startup;
-- until then they are visible to nobody.
ALTER TABLE tasks ADD COLUMN owner_id UUID REFERENCES users (id) ON DELETE CASCADE;
DROP INDEX tasks_is_completed_id_idx;
CREATE INDEX tasks_owner_id_id_idx ON tasks (owner_id, id);
CREATE INDEX tasks_owner_id_is_completed_id_idx ON tasks (owner_id, is_completed, id);
