-- Catalog: categories of a user, and their items. Prices are exact: integer cents.
CREATE TABLE categories (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id        TEXT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT      NOT NULL,
    name_normalized TEXT      NOT NULL, -- lower-cased in the service: unique per user, any case
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX categories_owner_name_key ON categories (owner_id, name_normalized);
CREATE INDEX categories_owner_id_id_idx ON categories (owner_id, id);

CREATE TABLE items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    TEXT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category_id INTEGER   NOT NULL REFERENCES categories (id),
    name        TEXT      NOT NULL,
    description TEXT,
    price_cents INTEGER   NOT NULL CHECK (price_cents >= 0),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX items_category_id_id_idx ON items (category_id, id);
CREATE INDEX items_owner_id_id_idx ON items (owner_id, id);
