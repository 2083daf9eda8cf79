package dev.taskloop.system.config;

import java.time.Duration;

/**
 * How long the HTTP server waits for its clients, part of {@link AppConfig}. Slow or stalled
 * clients cannot hold connections beyond these bounds.
 *
 * @param headerTimeout a connection must deliver a complete request head (request line and headers)
 *     within this time of opening, or of its previous response plus {@code idleTimeout}; else it is
 *     closed ({@code HTTP_HEADER_TIMEOUT_MS}, default 10000)
 * @param bodyTimeout a request body must arrive completely within this time of its head; else the
 *     answer is 408 and the connection is closed ({@code HTTP_BODY_TIMEOUT_MS}, default 30000).
 *     With the 64 KiB body limit, that is a minimum rate of about 2 KiB/s
 * @param idleTimeout a connection with no traffic for this long is closed, also while its request
 *     is being answered ({@code HTTP_IDLE_TIMEOUT_S}, default 60; keep it above the statement
 *     timeout and above a load balancer's own idle timeout)
 */
public record HttpConfig(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {}
