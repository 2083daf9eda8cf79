package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one way repositories reach the database, identical for SQLite and PostgreSQL.
 *
 * <p>Statements are SqlTemplate texts with {@code #{name}} parameters; the template turns them into
 * {@code $n} (PostgreSQL) or {@code ?} (JDBC). Reads go to {@link #reads()}: on PostgreSQL a
 * pipelined client, which multiplexes many statements per connection. Writes go to {@link
 * #writes()}: a plain pool, which measured faster for single-row INSERTs and is the only client
 * that can run transactions. A single statement commits on its own (an implicit transaction); a use
 * case with several statements goes through {@link #inTransaction}. On SQLite both are the same
 * JDBC pool, whose calls run on worker threads.
 *
 * <p>Every failure leaves here translated by {@link DbErrors}: callers see a {@link
 * DatabaseException} or the original error.
 */
public final class Database {
  private final DatabaseClients clients;
  private final SqlClient reads;
  private final Pool writes;
  private final boolean echo;
  private final long requestTimeoutMillis, readTimeoutMillis; // see DatabaseClients
  private final Watched watched;
  private final DatabaseWatch watch;
  private final AtomicLong statements = new AtomicLong();

  private Database(DatabaseClients clients, boolean echo, DatabaseWatch watch) {
    this.clients = clients;
    this.reads = clients.reads();
    this.writes = clients.writes();
    this.requestTimeoutMillis = clients.requestTimeoutMillis();
    this.readTimeoutMillis = clients.readTimeoutMillis();
    this.echo = echo;
    this.watch = watch;
    this.watched = new Watched(watch);
  }

  /** The database cannot be put to use (see {@link StartupRetry}); the message is one line. */
  public static final class StartupFailure extends RuntimeException {
    StartupFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Migrates (blocking JDBC, before {@link #open}; {@link StartupRetry}), then logs the {@link
   * ConnectionBudget}; the schema version.
   */
  public static String migrate(AppConfig config, long untilNanos) {
    String version = StartupRetry.migrate(config, untilNanos);
    ConnectionBudget.check(config);
    return version;
  }

  /**
   * Opens the pools (no connection is made until the first statement or {@link #ping}); {@code
   * registry} gets their meters and the statements' ({@link DbMeters}). On PostgreSQL with {@code
   * sslmode=prefer}, asks the server once whether it speaks TLS; fails with {@link
   * DatabaseException.Unavailable} when it cannot be reached for that.
   */
  public static Database open(Vertx vertx, AppConfig config, MeterRegistry registry) {
    var clients = DatabaseClients.open(vertx, config, registry);
    return new Database(
        clients, config.sqlEcho(), DatabaseWatch.open(vertx, config, registry, clients));
  }

  /** Every pool's checkouts and counters now ({@code GET /admin/pool}). */
  public List<PoolSnapshot> pools() {
    return watch.snapshot();
  }

  /** LISTEN/NOTIFY between instances (PostgreSQL; on SQLite it does nothing). */
  public Notifications notifications() {
    return clients.notifications();
  }

  /** Plain JDBC for the legacy report, its connections watched as the {@code report} pool. */
  public LegacyJdbc legacyJdbc() {
    return watch.legacy();
  }

  /** Client for reads: pipelined on PostgreSQL. */
  public SqlClient reads() {
    return reads;
  }

  /** Client for writes and transactions: a plain pool. */
  public Pool writes() {
    return writes;
  }

  /** Runs one statement on the read client. */
  public Future<RowSet<Row>> read(String sql, Map<String, Object> params) {
    return run(clients.reading(), watch.reads(), sql, params, readTimeoutMillis, Resend.READ);
  }

  /**
   * Runs a read that may take long (an OFFSET page, a report) on PostgreSQL's plain pool, where it
   * cannot hold up the short statements pipelined behind it on a read connection (SQLite: a reader
   * thread).
   */
  public Future<RowSet<Row>> scan(String sql, Map<String, Object> params) {
    return run(clients.scanning(), watch.scans(), sql, params, requestTimeoutMillis, Resend.READ);
  }

  /** Runs one statement on the write pool; it commits on its own. */
  public Future<RowSet<Row>> write(String sql, Map<String, Object> params) {
    return run(clients.writing(), watch.writes(), sql, params, requestTimeoutMillis, Resend.WRITE);
  }

  /** Runs one statement on the connection of a transaction opened by {@link #inTransaction}. */
  public Future<RowSet<Row>> on(SqlConnection tx, String sql, Map<String, Object> params) {
    Statements onTx = (text, values) -> SqlTemplate.forQuery(tx, text).execute(values);
    return run(onTx, null, sql, params, requestTimeoutMillis, Resend.NONE);
  }

  /**
   * Runs {@code work} in one transaction on a connection of the write pool: commit when its future
   * succeeds, rollback when it fails or throws. Pass the connection to every repository call that
   * belongs to the transaction.
   */
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return watched.transaction(writes, work);
  }

  /** Writes that commit one statement at a time (see {@link Writes.Scope}). */
  public Writes.Scope autoCommit() {
    return new AutoCommit(this);
  }

  /** Statements on {@code tx}, a connection of {@link #inTransaction} ({@link Writes.Scope}). */
  public Writes.Scope within(SqlConnection tx) {
    return new Within(this, tx);
  }

  /**
   * Streams the rows of one query through a cursor, {@code fetchSize} rows at a time, on a
   * connection for exports ({@code DB_EXPORT_POOL_SIZE} of them, apart from the application pool,
   * so slow readers of exports cannot starve other requests): inside a transaction on PostgreSQL
   * (its cursors need one), a plain JDBC cursor on SQLite ({@link SqliteCursor}: no write lock is
   * held). The statement timeout bounds each fetch. {@code consumer} gets the stream and returns a
   * future that completes when it is done with it (ended, failed, or abandoned by the client); the
   * connection is released then, not before. Use {@link #param} for the placeholders of {@code
   * sql}.
   */
  public Future<Void> stream(
      String sql, Tuple params, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer) {
    if (echo) {
      SqlEcho.stream(sql);
    }
    return watched.stream(clients.streams(), sql, params, fetchSize, consumer);
  }

  /** The placeholder of the {@code index}-th (1-based) parameter in raw SQL for {@link #stream}. */
  public String param(int index) {
    return clients.streams().param(index);
  }

  /** Blocks (startup, never an event loop) until both application clients get an answer. */
  public void awaitReachable(AppConfig config, long untilNanos) {
    long millis = config.acquireTimeout().toMillis();
    StartupRetry.ping(
        config,
        untilNanos,
        () ->
            reads == writes
                ? watched.ping(writes, watch.writes(), millis)
                : Future.all(
                    watched.ping(reads, watch.reads(), millis),
                    watched.ping(writes, watch.writes(), millis)));
  }

  /**
   * Answers whether the database answers within {@code timeoutMillis}, on a connection of its own
   * (readiness): busy application connections neither delay nor fail it.
   */
  public Future<Void> healthPing(long timeoutMillis) {
    return watched.ping(clients.health(), watch.health(), timeoutMillis);
  }

  /** Now as a statement parameter: the type the driver stores as UTC, to the microsecond. */
  public Object now() {
    return timestamp(Instant.now());
  }

  public Object timestamp(Instant instant) {
    return Timestamps.parameter(clients.url(), instant);
  }

  /** Closes the pools (in-flight statements finish first), the streams and timers. */
  public Future<Void> close() {
    watch.close();
    Future<Void> closeReads = reads == writes ? Future.succeededFuture() : reads.close();
    return Future.join(
            List.of(
                closeReads,
                writes.close(),
                clients.health().close(),
                clients.notifications().close(),
                clients.closeEngines()))
        .eventually(clients.streams()::close)
        .mapEmpty();
  }

  /** Statements run so far (every read, write, scan and transaction statement): for N+1 checks. */
  public long statements() {
    return statements.get();
  }

  /** Runs one statement: checked out of {@code pool} (null: a transaction's), timed, translated. */
  private Future<RowSet<Row>> run(
      Statements on,
      PoolWatch pool,
      String sql,
      Map<String, Object> params,
      long timeoutMillis,
      Resend resend) {
    statements.incrementAndGet();
    Future<RowSet<Row>> result =
        watched.statement(pool, sql, () -> resend.run(() -> on.run(sql, params)));
    if (timeoutMillis > 0) {
      result = result.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    if (echo) {
      long start = System.nanoTime();
      result = result.andThen(done -> SqlEcho.statement(sql, start, done.failed()));
    }
    return result.recover(e -> watched.failed(pool, e, Watched.Source.STATEMENT));
  }
}
