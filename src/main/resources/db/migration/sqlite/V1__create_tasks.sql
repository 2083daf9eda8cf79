-- Tasks: the first resource. Timestamps are UTC ISO-8601 text ('YYYY-MM-DDTHH:MM:SS.ffffff'),
-- written by the service; the declared type TIMESTAMP makes the driver read them back as times.
-- AUTOINCREMENT: ids are never reused, so a deleted task's id stays 404.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT      NOT NULL CHECK (length(title) BETWEEN 1 AND 50),
    description  TEXT      CHECK (description IS NULL OR length(description) <= 255),
    is_completed BOOLEAN   NOT NULL DEFAULT 0 CHECK (is_completed IN (0, 1)),
    created_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now')),
    updated_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now'))
);

CREATE INDEX tasks_is_completed_id_idx ON tasks (is_completed, id);
