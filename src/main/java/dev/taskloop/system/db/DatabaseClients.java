package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link Database} runs its statements on, opened per vendor: the read client, the write
 * pool, readiness's own pool and the export streams (on SQLite, reads and writes are the same
 * pool), and what bounds a statement on the client side (0: nothing more than the pools and the
 * server do):
 *
 * <ul>
 *   <li>{@code requestTimeoutMillis}: on PostgreSQL the statement timeout plus the connect timeout,
 *       so a server or network that stalls without closing the connection still ends the request;
 *   <li>{@code readTimeoutMillis}: PostgreSQL's pipelined reads, where waiting behind other
 *       statements on a connection counts as waiting for a connection, so the acquire timeout plus
 *       the lock timeout.
 * </ul>
 */
record DatabaseClients(
    DatabaseUrl url,
    SqlClient reads,
    Pool writes,
    Pool health,
    Streams streams,
    Notifications notifications,
    long requestTimeoutMillis,
    long readTimeoutMillis,
    Statements reading,
    Statements writing,
    Statements scanning,
    List<SqliteEngine> engines) {

  /** How often each pool looks for connections past their lifetime or idle too long. */
  static final int CLEANER_PERIOD_MS = 1000;

  /** Stops {@link SqliteEngine}'s threads (none on PostgreSQL) once their queued work is done. */
  Future<Void> closeEngines() {
    return Future.join(engines.stream().map(SqliteEngine::close).toList()).mapEmpty();
  }

  /** Opens the pools of {@code config.database()}; see {@link Database#open}. */
  static DatabaseClients open(Vertx vertx, AppConfig config, MeterRegistry registry) {
    return switch (config.database()) {
      case DatabaseUrl.Sqlite sqlite -> sqlite(vertx, sqlite, config);
      case DatabaseUrl.Postgres pg -> postgres(vertx, pg, config, registry);
    };
  }

  /**
   * A pool of {@code size} connections whose waiters give up after the acquire timeout, with the
   * pool guards of {@link dev.taskloop.system.config.PoolGuards} (the same pool implementation
   * serves the pg clients and the JDBC pool, vertx-sql-client's {@code PoolImpl}):
   *
   * <ul>
   *   <li>at most {@code DB_POOL_MAX_WAITING} requests wait for a connection; one more fails at
   *       once ({@link DatabaseException.Unavailable.Reason#POOL_QUEUE_FULL}). Requests whose new
   *       connection is still being opened count as waiting (vertx-core {@code
   *       SimpleConnectionPool}); on the pipelined read client a request only waits when every
   *       connection has {@code DB_PIPELINING_LIMIT} statements in flight;
   *   <li>every {@link #CLEANER_PERIOD_MS} the pool closes the idle connections that are older than
   *       {@code DB_MAX_LIFETIME_S} or unused for {@code DB_IDLE_TIMEOUT_S}; a connection in use is
   *       never closed under its statement, it goes at the first cleaning after it is returned.
   * </ul>
   */
  static PoolOptions poolOptions(AppConfig config, String name, int size) {
    var guards = config.poolGuards();
    return new PoolOptions()
        .setName(name)
        .setMaxSize(size)
        .setConnectionTimeout((int) config.acquireTimeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWaitQueueSize(guards.maxWaiting())
        .setMaxLifetime((int) guards.maxLifetime().toSeconds())
        .setMaxLifetimeUnit(TimeUnit.SECONDS)
        .setIdleTimeout((int) guards.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setPoolCleanerPeriod(CLEANER_PERIOD_MS);
  }

  /**
   * Readiness's own pool: like {@link #poolOptions}, but probes never meet the wait bound (two
   * probes at once must not make a healthy instance look down); each waits at most its timeout.
   */
  static PoolOptions healthPoolOptions(AppConfig config, String name) {
    return poolOptions(config, name, 1).setMaxWaitQueueSize(-1);
  }

  private static DatabaseClients sqlite(Vertx vertx, DatabaseUrl.Sqlite url, AppConfig config) {
    var pools = SqlitePools.open(vertx, url, config);
    var streams =
        Streams.sqlite(
            pools.cursors(),
            pools.timer(),
            config.exportPoolSize(),
            config.poolGuards().maxWaiting(),
            config.statementTimeout().toMillis(),
            config.acquireTimeout().toMillis());
    return new DatabaseClients(
        url,
        pools.pool(),
        pools.pool(),
        pools.health(),
        streams,
        Notifications.none(vertx),
        0,
        0,
        pools.readers()::run,
        pools.writer()::run,
        pools.readers()::run,
        List.of(pools.readers(), pools.writer()));
  }

  private static DatabaseClients postgres(
      Vertx vertx, DatabaseUrl.Postgres url, AppConfig config, MeterRegistry registry) {
    var pools = PostgresPools.open(vertx, url, config);
    long statementMillis = config.statementTimeout().toMillis();
    long request = statementMillis == 0 ? 0 : statementMillis + config.connectTimeout().toMillis();
    long read = config.acquireTimeout().toMillis() + config.lockWaitMillis();
    return new DatabaseClients(
        url,
        pools.reads(),
        pools.writes(),
        pools.health(),
        Streams.postgres(pools.exports()),
        Notifications.open(vertx, config, registry),
        request,
        statementMillis == 0 ? 0 : read,
        Statements.on(pools.reads()),
        Statements.on(pools.writes()),
        Statements.on(pools.writes()),
        List.of());
  }
}
