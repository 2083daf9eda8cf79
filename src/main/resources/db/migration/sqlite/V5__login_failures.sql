-- On SQLite the login limits live in memory (users/MemoryLoginLimits): SQLite is one instance by
-- nature. This version exists so that both databases report the same schema version.
SELECT 1;
