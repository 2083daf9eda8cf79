-- Failed password checks, shared by every instance (users/LoginFailureRepository). One row per
-- bucket: the hex SHA-256 of "email:<key>", "user:<id>" or "address:<ip>", so no tried email or
-- address is stored in the clear. Rows whose window ended are deleted once a minute.
CREATE TABLE login_failures (
    bucket      CHAR(64)    PRIMARY KEY,
    failures    INTEGER     NOT NULL,
    window_ends TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_window_ends_idx ON login_failures (window_ends);
