package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the {@link Database}'s work watched ({@link DatabaseWatch}): each statement, transaction and
 * export stream is a checkout of its pool while it runs, statements are timed under their
 * repository method's name, and every failure leaves translated ({@link DbErrors}), counted once
 * where it arose, and looked at for a refusing database ({@link Outage}).
 */
final class Watched {
  /** Where a failure arose, which decides whether it is counted there ({@link #counted}). */
  enum Source {
    STATEMENT,
    TRANSACTION,
    STREAM
  }

  private final DatabaseWatch watch;
  private final DbMeters.Statement ping;
  private final Outage outage = new Outage();

  Watched(DatabaseWatch watch) {
    this.watch = watch;
    this.ping = watch.meters().named("Database.ping");
  }

  DatabaseWatch watch() {
    return watch;
  }

  /** True while the database refuses connections: work fails at once ({@link #refused}). */
  private boolean refusing() {
    return outage.active();
  }

  /** 503 at once, for a transaction or a stream: counted here, as no {@link #failed} follows. */
  private <T> Future<T> refused() {
    Future<T> refused = outage.failFast();
    watch.meters().failed(refused.cause());
    return refused;
  }

  /**
   * Starts one statement ({@code run}), unless the database refuses connections: timed under its
   * repository method's name and, unless {@code pool} is null (a transaction's statement: its
   * connection is checked out already), a checkout of {@code pool} until it completes, even when a
   * timeout gave up on it before. Failures (a refusal too) leave as they came, for the caller to
   * pass to {@link #failed}.
   */
  <T> Future<T> statement(PoolWatch pool, String sql, Supplier<Future<T>> run) {
    if (refusing()) {
      return outage.failFast();
    }
    return timed(pool, watch.meters().statement(sql), run);
  }

  /**
   * {@code SELECT 1} on {@code client} (a checkout of {@code pool}), answered within {@code
   * timeoutMillis}; failures translated and counted, but a refusal does not start an {@link
   * Outage}: that is for the service's own statements.
   */
  Future<Void> ping(SqlClient client, PoolWatch pool, long timeoutMillis) {
    return timed(pool, ping, () -> client.query("SELECT 1").execute())
        .<Void>mapEmpty()
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              Throwable translated = DbErrors.classify(e);
              counted(pool, e, translated, Source.STATEMENT);
              return Future.failedFuture(translated);
            });
  }

  /** {@link Database#inTransaction} on {@code writes}, a checkout of its pool. */
  <T> Future<T> transaction(Pool writes, Function<SqlConnection, Future<T>> work) {
    PoolWatch pool = watch.transactions();
    if (refusing()) {
      return refused();
    }
    return held(pool, "transaction", acquired -> Resend.transaction(writes, once(acquired, work)))
        .recover(e -> failed(pool, e, Source.TRANSACTION));
  }

  /** {@link Database#stream} on {@code streams}, a checkout of the exports pool. */
  Future<Void> stream(
      Streams streams,
      String sql,
      Tuple params,
      int fetchSize,
      Function<RowStream<Row>, Future<Void>> consumer) {
    PoolWatch pool = watch.exports();
    if (refusing()) {
      return refused();
    }
    return held(
            pool,
            "export stream",
            acquired -> streams.stream(sql, params, fetchSize, once(acquired, consumer)))
        .recover(e -> failed(pool, e, Source.STREAM));
  }

  /**
   * Every failure of {@code pool}'s work leaves through here: looked at for a refusing database,
   * translated, and counted where it arose ({@code source}).
   */
  <T> Future<T> failed(PoolWatch pool, Throwable error, Source source) {
    outage.observe(error);
    Throwable translated = DbErrors.classify(error);
    counted(pool, error, translated, source);
    return Future.failedFuture(translated);
  }

  /**
   * Counts a failure once, where it arose: a statement counts whatever it failed with; a stream the
   * database's failures (its statement runs nowhere else), not the application's; a transaction
   * only failures of its own (its BEGIN, COMMIT, connection), not those of its statements (counted
   * already) nor the application's. An acquire timeout also counts for {@code pool}; a wait queue
   * that is full is not one.
   */
  private void counted(PoolWatch pool, Throwable original, Throwable translated, Source source) {
    boolean database = translated instanceof DatabaseException;
    boolean own =
        switch (source) {
          case STATEMENT -> true;
          case STREAM -> database;
          case TRANSACTION -> database && !(original instanceof DatabaseException);
        };
    if (!own) {
      return;
    }
    watch.meters().failed(translated);
    if (pool != null
        && translated instanceof DatabaseException.Unavailable unavailable
        && unavailable.reason() == DatabaseException.Unavailable.Reason.POOL_EXHAUSTED
        && !(original instanceof ConnectionPoolTooBusyException)) {
      pool.acquireTimedOut();
    }
  }

  private <T> Future<T> timed(
      PoolWatch pool, DbMeters.Statement statement, Supplier<Future<T>> run) {
    PoolWatch.Checkout checkout = pool == null ? null : pool.checkout(statement.checkout());
    long start = System.nanoTime();
    return started(run)
        .andThen(
            done -> {
              statement.timer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
              if (checkout != null) {
                checkout.close();
              }
            });
  }

  /**
   * Starts work that holds a connection of {@code pool} longer than a statement: {@code work} gets
   * a callback to run once it has its connection (the acquire time); the checkout lasts until the
   * work's future completes.
   */
  private static <T> Future<T> held(
      PoolWatch pool, String what, Function<Runnable, Future<T>> work) {
    PoolWatch.Checkout checkout = pool.checkout(what);
    long start = System.nanoTime();
    Runnable acquired = () -> pool.acquired(System.nanoTime() - start);
    return started(() -> work.apply(acquired)).andThen(done -> checkout.close());
  }

  /** {@code work}, which first says that it has its connection. */
  private static <A, T> Function<A, Future<T>> once(
      Runnable acquired, Function<A, Future<T>> work) {
    return connection -> {
      acquired.run();
      return work.apply(connection);
    };
  }

  /** The future {@code start} returns, or a failed one if it throws. */
  private static <T> Future<T> started(Supplier<Future<T>> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
