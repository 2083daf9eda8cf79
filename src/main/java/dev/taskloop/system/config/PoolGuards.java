package dev.taskloop.system.config;

import java.time.Duration;

/**
 * What keeps the database pools healthy and visible, part of the configuration (the Java side of
 * SQLAlchemy's {@code pool_timeout}, {@code pool_pre_ping}, {@code pool_recycle} and leak hunting).
 *
 * @param maxWaiting requests that may wait for a connection of one pool; past it a request gets 503
 *     with {@code Retry-After} at once instead of waiting the acquire timeout ({@code
 *     DB_POOL_MAX_WAITING}, default 128; 0: none may wait)
 * @param leakThreshold a connection or transaction held longer than this logs one WARN (with the
 *     request id, the route and the age) and counts as a leak warning; when it is returned, one
 *     INFO line says after how long ({@code DB_LEAK_THRESHOLD_MS}, default 5000; 0 turns it off)
 * @param maxLifetime a connection older than this is closed once idle (checked every second), and
 *     replaced ({@code DB_MAX_LIFETIME_S}, default 1800; 0: no limit)
 * @param idleTimeout a connection unused for this long is closed ({@code DB_IDLE_TIMEOUT_S},
 *     default 600; 0: never)
 * @param startupTimeout at startup, how long to keep retrying a database that is not up yet, with
 *     backoff, before exiting with 1 ({@code DB_CONNECT_TIMEOUT_S}, default 30; 0: one attempt).
 *     Not to be confused with {@code DB_CONNECT_TIMEOUT_MS}, the bound of one connection attempt
 */
public record PoolGuards(
    int maxWaiting,
    Duration leakThreshold,
    Duration maxLifetime,
    Duration idleTimeout,
    Duration startupTimeout) {}
