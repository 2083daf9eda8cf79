package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Where streaming exports read from, per database, on connections of their own ({@code
 * DB_EXPORT_POOL_SIZE}) so that clients reading slowly cannot starve other requests.
 */
abstract sealed class Streams {
  /** See {@link Database#stream}; failures are untranslated. */
  abstract Future<Void> stream(
      String sql, Tuple params, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer);

  /** The placeholder of the {@code index}-th (1-based) parameter in raw SQL. */
  abstract String param(int index);

  abstract Future<Void> close();

  /** Export connections open now. */
  abstract int open();

  static Streams postgres(Pool exports) {
    return new Postgres(exports);
  }

  /**
   * {@code timer} cancels the statements of this database's SQLite connections, the pool's and the
   * cursors' alike; the streams close it, as the last SQLite resource without a pool of its own.
   */
  static Streams sqlite(
      DataSource source,
      ScheduledExecutorService timer,
      int connections,
      int maxWaiting,
      long statementTimeoutMillis,
      long acquireTimeoutMillis) {
    return new Sqlite(
        source,
        timer,
        new Semaphore(connections),
        maxWaiting,
        statementTimeoutMillis,
        acquireTimeoutMillis);
  }

  /** A server-side cursor, inside a transaction (PostgreSQL's cursors need one). */
  private static final class Postgres extends Streams {
    private final Pool exports;

    Postgres(Pool exports) {
      this.exports = exports;
    }

    @Override
    Future<Void> stream(
        String sql, Tuple params, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer) {
      Function<SqlConnection, Future<Void>> work =
          conn ->
              conn.prepare(sql)
                  .compose(
                      statement ->
                          consumer
                              .apply(statement.createStream(fetchSize, params))
                              .eventually(statement::close));
      return exports.withTransaction(work);
    }

    @Override
    String param(int index) {
      return "$" + index;
    }

    @Override
    Future<Void> close() {
      return exports.close();
    }

    @Override
    int open() {
      return exports.size();
    }
  }

  /**
   * A plain JDBC cursor ({@link SqliteCursor}) on a connection outside the pool: no transaction, so
   * no write lock is held; at most {@code connections} at once, waiting for one up to the acquire
   * timeout like a pool, with at most {@code DB_POOL_MAX_WAITING} waiting.
   */
  private static final class Sqlite extends Streams {
    private static final long RETRY_MILLIS = 20;

    private final DataSource source;
    private final ScheduledExecutorService timer;
    private final Semaphore connections;
    private final int maxConnections;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private final long statementTimeoutMillis;
    private final long acquireTimeoutMillis;

    Sqlite(
        DataSource source,
        ScheduledExecutorService timer,
        Semaphore connections,
        int maxWaiting,
        long statementTimeoutMillis,
        long acquireTimeoutMillis) {
      this.source = source;
      this.timer = timer;
      this.connections = connections;
      this.maxConnections = connections.availablePermits();
      this.maxWaiting = maxWaiting;
      this.statementTimeoutMillis = statementTimeoutMillis;
      this.acquireTimeoutMillis = acquireTimeoutMillis;
    }

    @Override
    Future<Void> stream(
        String sql, Tuple params, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer) {
      Future<Void> permit;
      if (connections.tryAcquire()) {
        permit = Future.succeededFuture();
      } else if (waiting.incrementAndGet() > maxWaiting) {
        waiting.decrementAndGet();
        return unavailable(
            DatabaseException.Unavailable.Reason.POOL_QUEUE_FULL,
            "DB_POOL_MAX_WAITING exports already wait for a connection");
      } else {
        long deadline = System.nanoTime() + acquireTimeoutMillis * 1_000_000;
        permit =
            acquire(Vertx.currentContext().owner(), deadline)
                .andThen(done -> waiting.decrementAndGet());
      }
      return permit.compose(acquired -> open(sql, params, fetchSize, consumer));
    }

    private static Future<Void> unavailable(
        DatabaseException.Unavailable.Reason reason, String message) {
      return Future.failedFuture(
          new DatabaseException.Unavailable(reason, new VertxException(message, true)));
    }

    /** A permit for one export connection, polled until {@code deadline}; then 503. */
    private Future<Void> acquire(Vertx vertx, long deadline) {
      if (connections.tryAcquire()) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() - deadline > 0) {
        return unavailable(
            DatabaseException.Unavailable.Reason.POOL_EXHAUSTED,
            "every export connection is in use");
      }
      var retry = Promise.<Void>promise();
      vertx.setTimer(RETRY_MILLIS, id -> acquire(vertx, deadline).onComplete(retry));
      return retry.future();
    }

    private Future<Void> open(
        String sql, Tuple params, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer) {
      var cursor =
          new SqliteCursor(
              Vertx.currentContext(),
              source,
              timer,
              sql,
              params,
              fetchSize,
              statementTimeoutMillis,
              connections::release);
      try {
        return consumer.apply(cursor).eventually(cursor::close);
      } catch (RuntimeException e) {
        cursor.close();
        throw e;
      }
    }

    @Override
    String param(int index) {
      return "?";
    }

    /** A cursor opens its connection with its permit and closes it with its release. */
    @Override
    int open() {
      return maxConnections - connections.availablePermits();
    }

    /**
     * Stops the timer's thread: no new statement gets a timeout, while the timeouts of statements
     * still running fire as set (the thread ends with the last of them).
     */
    @Override
    Future<Void> close() {
      timer.shutdown();
      return Future.succeededFuture();
    }
  }
}
