package dev.taskloop.system.http;

import dev.taskloop.system.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every connection of one HTTP server instance (one event loop, so no locking) for the two
 * things Vert.x has no option for: clients too slow to send a request, and the drain at shutdown.
 * One periodic sweep does both; requests pay one map lookup, no timer.
 *
 * <ul>
 *   <li>A new connection must deliver a complete request head within {@code HTTP_HEADER_TIMEOUT_MS}
 *       (or be closed: there is no request yet to answer). After a response, the next head must
 *       arrive within {@code HTTP_IDLE_TIMEOUT_S} plus that timeout; a silent connection is closed
 *       by the server's own idle timeout before.
 *   <li>A request body must arrive within {@code HTTP_BODY_TIMEOUT_MS} of its head: else 408 and
 *       the connection is closed.
 *   <li>While the service drains ({@code draining}), every response carries {@code Connection:
 *       close} and connections are closed once idle. {@link #stop} then sweeps faster: it closes
 *       each connection that has been idle for {@link #DRAIN_IDLE_MS} (a client that just received
 *       a response may be sending its next request: that one is still read and answered, with
 *       {@code Connection: close}), and completes when no idle connection is left, or after twice
 *       that time. The server's own shutdown then stops the listener and waits for the requests
 *       still running.
 * </ul>
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long SWEEP_MS = 500;
  private static final long DRAIN_SWEEP_MS = 50;

  /** How long a connection must have been idle before the drain closes it. */
  static final long DRAIN_IDLE_MS = 250;

  /** One connection and where it is in its request cycle. */
  private static final class Watched {
    final HttpConnection connection;
    final long openedAt;
    HttpServerRequest request;
    long requestAt;
    long idleSince;

    Watched(HttpConnection connection, long openedAt) {
      this.connection = connection;
      this.openedAt = openedAt;
    }
  }

  private final Vertx vertx;
  private final long headerNanos;
  private final long bodyNanos;
  private final long keepAliveNanos;
  private final BooleanSupplier draining;
  private final Map<HttpConnection, Watched> connections = new HashMap<>();
  private long timer = -1;
  private Promise<Void> stopped;
  private long stopAt;

  ConnectionGuard(Vertx vertx, AppConfig.Http config, BooleanSupplier draining) {
    this.vertx = vertx;
    this.headerNanos = config.headerTimeout().toNanos();
    this.bodyNanos = config.bodyTimeout().toNanos();
    this.keepAliveNanos = config.idleTimeout().toNanos() + headerNanos;
    this.draining = draining;
  }

  /** Starts the sweep; call on the server's event loop. */
  void start() {
    timer = vertx.setPeriodic(SWEEP_MS, id -> sweep());
  }

  /** Connection handler of the server: a new connection, before any byte of it is read. */
  void opened(HttpConnection connection) {
    connections.put(connection, new Watched(connection, System.nanoTime()));
    connection.closeHandler(closed -> closed(connection));
    // Resets, protocol errors and the like: the client's doing, not ours; no stack trace.
    connection.exceptionHandler(
        e -> LOG.debug("connection from {}: {}", connection.remoteAddress(), e.toString()));
  }

  /** Every request, before the router sees it. */
  void request(HttpServerRequest request) {
    Watched watched = connections.get(request.connection());
    if (watched != null) {
      watched.request = request;
      watched.requestAt = System.nanoTime();
      watched.idleSince = 0;
    }
    if (draining.getAsBoolean()) {
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  /**
   * The drain's second phase: close idle connections; completes when none is left idle. Call on the
   * server's event loop.
   */
  Future<Void> stop() {
    if (stopped == null) {
      stopped = Promise.promise();
      stopAt = System.nanoTime();
      vertx.cancelTimer(timer);
      timer = vertx.setPeriodic(DRAIN_SWEEP_MS, id -> sweep());
      sweep();
    }
    return stopped.future();
  }

  /** Stops the sweep for good (after {@link #stop}, or when the server closes). */
  void close() {
    vertx.cancelTimer(timer);
  }

  private void closed(HttpConnection connection) {
    connections.remove(connection);
  }

  private void sweep() {
    long now = System.nanoTime();
    boolean drain = draining.getAsBoolean() || stopped != null;
    long idleLimit = drain ? TimeUnit.MILLISECONDS.toNanos(DRAIN_IDLE_MS) : keepAliveNanos;
    int idle = 0; // idle connections left open for now
    for (Watched watched : new ArrayList<>(connections.values())) {
      if (watched.request == null) {
        long limit = stopped != null ? idleLimit : headerNanos;
        String why = "no complete request head in time";
        if (!closeIfOver(watched, now - watched.openedAt, limit, why)) {
          idle++;
        }
      } else if (!watched.request.response().ended()) {
        watchInFlight(watched, now, drain);
      } else {
        if (watched.idleSince == 0) {
          watched.idleSince = now;
        }
        String why = drain ? "draining" : "no next request head in time";
        if (!closeIfOver(watched, now - watched.idleSince, idleLimit, why)) {
          idle++;
        }
      }
    }
    if (stopped != null
        && (idle == 0 || now - stopAt > TimeUnit.MILLISECONDS.toNanos(2 * DRAIN_IDLE_MS))) {
      stopped.tryComplete();
    }
  }

  /** Closes an idle connection that has waited longer than {@code limit}; true if it did. */
  private static boolean closeIfOver(Watched watched, long waited, long limit, String why) {
    if (waited > limit) {
      close(watched, why);
      return true;
    }
    return false;
  }

  /**
   * A request not answered yet: 408 when its body is late; while draining, its response closes the
   * connection.
   */
  private void watchInFlight(Watched watched, long now, boolean drain) {
    HttpServerRequest request = watched.request;
    HttpServerResponse response = request.response();
    if (!request.isEnded() && now - watched.requestAt > bodyNanos) {
      LOG.debug("request body from {} too slow: 408", watched.connection.remoteAddress());
      Problems.send(
          request,
          ProblemType.REQUEST_TIMEOUT,
          "The request body did not arrive in time; send it faster.");
    } else if (drain && !response.headWritten()) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  private static void close(Watched watched, String why) {
    LOG.debug("closing connection from {}: {}", watched.connection.remoteAddress(), why);
    watched.connection.close();
  }
}
