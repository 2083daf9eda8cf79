package dev.taskloop.system.db;

/**
 * One connection pool as {@code GET /admin/pool} shows it, at one moment. A checkout is whatever
 * holds or waits for one of the pool's connections: a statement, a transaction, an export stream, a
 * report's connection; its age counts from the moment the service asked the pool for the connection
 * (a wait for a free one, at most {@code DB_POOL_ACQUIRE_TIMEOUT_MS}, included).
 *
 * @param pool {@code reads} (PostgreSQL's pipelined reads; SQLite's reader threads, long reads
 *     too), {@code writes} (PostgreSQL: writes, long reads and transactions; SQLite: the writer
 *     thread), {@code transactions} (SQLite's JDBC pool), {@code main} (all of it, when one pool
 *     serves it: PostgreSQL with {@code DB_POOL_SIZE=1}), {@code exports}, {@code health}
 *     (readiness), {@code report} (the legacy report's JDBC connections)
 * @param maxSize connections the pool may open
 * @param size connections open now
 * @param inUse checkouts that have their connection; for PostgreSQL's {@code reads}, statements in
 *     flight (pipelined: up to {@code DB_PIPELINING_LIMIT} on each connection)
 * @param idle open connections that nobody uses; null for PostgreSQL's {@code reads}, whose
 *     connections carry many statements at once
 * @param waiting checkouts waiting for a connection
 * @param oldestCheckoutMs age of the oldest checkout, or null when there is none
 * @param oldestCheckoutRoute the route template of the request that made it ({@code -} outside of a
 *     request or before routing), or null when there is none
 * @param oldestCheckoutRequestId its request id, to look for in the logs, or null
 * @param acquireTimeouts checkouts since start that got no connection within the acquire timeout
 * @param leakWarnings checkouts since start held longer than {@code DB_LEAK_THRESHOLD_MS}
 */
public record PoolSnapshot(
    String pool,
    int maxSize,
    int size,
    int inUse,
    Integer idle,
    int waiting,
    Long oldestCheckoutMs,
    String oldestCheckoutRoute,
    String oldestCheckoutRequestId,
    long acquireTimeouts,
    long leakWarnings) {}
