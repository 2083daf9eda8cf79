package dev.taskloop.system.db;

import dev.taskloop.system.db.DatabaseException.Unavailable.Reason;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Remembers, for a moment, that the database refused a connection. While it is down, restarting or
 * shutting down, every request would otherwise open a connection attempt of its own: a reconnect
 * storm that costs the server a process per attempt and slows the very restart it waits for. For
 * {@link #WINDOW_MILLIS} after a refusal, statements fail at once with 503; the first request after
 * the window tries again, so service resumes within that window of the database accepting
 * connections.
 */
final class Outage {
  static final long WINDOW_MILLIS = 250;

  /** Admin shutdown, crash shutdown, cannot connect now (starting up or shutting down). */
  private static final Set<String> REFUSING_STATES = Set.of("57P01", "57P02", "57P03");

  private volatile long until;

  /** Whether a refusal was seen less than {@link #WINDOW_MILLIS} ago. */
  boolean active() {
    long deadline = until;
    return deadline != 0 && System.nanoTime() - deadline < 0;
  }

  /** A failed future to return instead of trying the database. */
  <T> Future<T> failFast() {
    return Future.failedFuture(
        new DatabaseException.Unavailable(
            Reason.UNREACHABLE,
            new VertxException("the database refused a connection moments ago", true)));
  }

  /** Looks at a failure: if the database refused to connect, opens the window. */
  void observe(Throwable failure) {
    if (refusal(failure)) {
      until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
    }
  }

  private static boolean refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || (t instanceof PgException pg && REFUSING_STATES.contains(pg.getSqlState()))) {
        return true;
      }
    }
    return false;
  }
}
