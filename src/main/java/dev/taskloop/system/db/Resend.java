package dev.taskloop.system.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The one kind of retry the database layer makes: of work whose pooled connection was dead, when
 * running it again cannot do anything twice. The reactive client reads every socket all the time,
 * so a connection that the server or a middlebox closes (a restart, {@code pg_terminate_backend}, a
 * firewall's RST) leaves the pool as soon as its event loop reads the close; only a request that
 * takes the connection before that meets it dead (measured: often, for a request handled right
 * after a cut, on the event loop that has the close still unread). Such work runs again, on another
 * connection:
 *
 * <ul>
 *   <li>{@link #READ}: a read-only statement, whatever the failure of its open connection (closed,
 *       reset, never sent): running a SELECT twice changes nothing;
 *   <li>{@link #WRITE}: a statement that may write, only when it was never written to the socket
 *       (vertx-sql-client's {@code SocketConnectionBase} fails it with "Connection is not active
 *       now" or "Pending requests failed to be sent"). One that was sent when its connection closed
 *       ({@link ClosedConnectionException}, a reset) may have committed: never retried, the request
 *       gets 503;
 *   <li>{@link #NONE}: a statement inside a transaction: its connection, and so its transaction, is
 *       gone;
 *   <li>{@link #transaction}: a transaction whose connection died before its work began: at most
 *       its {@code BEGIN} reached the server, and a transaction whose connection is gone is rolled
 *       back.
 * </ul>
 *
 * <p>Each failed attempt has taken one dead connection out of the pool, so the next one gets
 * another; at most {@link #RETRIES} more attempts, each after the event loop has read what has
 * already arrived (the closes of the other connections cut at the same moment). A connection that
 * cannot be opened (the database is down) ends the retries at once.
 */
enum Resend {
  READ,
  WRITE,
  NONE;

  /** More attempts at most, each on another connection: enough for a pool cut all at once. */
  static final int RETRIES = 4;

  /** Runs {@code attempt}, and again when this kind of statement may be (see above). */
  <T> Future<T> run(Supplier<Future<T>> attempt) {
    return this == NONE ? attempt.get() : retrying(attempt, RETRIES);
  }

  private <T> Future<T> retrying(Supplier<Future<T>> attempt, int retries) {
    return attempt
        .get()
        .recover(
            error ->
                retries > 0 && (this == READ ? closed(error) : neverSent(error))
                    ? later(() -> retrying(attempt, retries - 1))
                    : failed(error));
  }

  /**
   * Runs {@code work} in a transaction of {@code pool}, and again (see above) if its connection
   * died before {@code work} was called.
   */
  static <T> Future<T> transaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return transaction(pool, work, RETRIES);
  }

  private static <T> Future<T> transaction(
      Pool pool, Function<SqlConnection, Future<T>> work, int retries) {
    var begun = new AtomicBoolean();
    Function<SqlConnection, Future<T>> marked =
        conn -> {
          begun.set(true);
          return work.apply(conn);
        };
    return pool.withTransaction(marked)
        .recover(
            error ->
                retries > 0 && !begun.get() && closed(error)
                    ? later(() -> transaction(pool, work, retries - 1))
                    : failed(error));
  }

  /** Starts {@code attempt} once the event loop has read what has already arrived. */
  private static <T> Future<T> later(Supplier<Future<T>> attempt) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return attempt.get();
    }
    Promise<T> retried = Promise.promise();
    context.runOnContext(v -> attempt.get().onComplete(retried));
    return retried.future();
  }

  /** Whether {@code error} says that its statement was never written to the connection. */
  static boolean neverSent(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof VertxException && !(t instanceof ClosedConnectionException)) {
        String message = String.valueOf(t.getMessage());
        if (message.startsWith("Connection is not active now")
            || message.equals(
                "Pending requests failed to be sent due to connection has been closed.")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code error} says that an open connection closed or was reset (with or without the
   * statement sent). A connection that could not be opened is not one: the database may be down,
   * and retrying would only add connection attempts ({@link Outage}).
   */
  private static boolean closed(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SSLException) { // TLS refused: every new connection would be too
        return false;
      }
      // a reset reads as a bare IOException ("Connection reset by peer") from Netty's socket read
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true;
      }
    }
    return neverSent(error);
  }

  private static <T> Future<T> failed(Throwable error) {
    return Future.failedFuture(error);
  }
}
