package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.system.db.DatabaseException.Constraint.Kind;
import dev.taskloop.system.db.DatabaseException.Unavailable.Reason;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Every branch of the one driver-error mapping. The pool failures that Vert.x reports by message
 * only come from real pools (a JDBC pool over an in-memory SQLite database, and a PostgreSQL pool
 * that is closed before it connects anywhere), so a driver that changes them fails here.
 */
class DbErrorsTest {
  private static final long ACQUIRE_TIMEOUT_MS = 1000; // ample for a first connection to :memory:

  private static Vertx vertx;
  private static SQLiteDataSource memory;

  @BeforeAll
  static void start() throws SQLException {
    vertx = Vertx.vertx();
    memory = new SQLiteDataSource();
    memory.setUrl("jdbc:sqlite::memory:");
    memory.getConnection().close(); // loads the native library before any acquire timeout runs
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static Reason unavailable(Throwable error) {
    return assertInstanceOf(DatabaseException.Unavailable.class, DbErrors.classify(error)).reason();
  }

  private static Kind constraint(Throwable error) {
    return assertInstanceOf(DatabaseException.Constraint.class, DbErrors.classify(error)).kind();
  }

  private static void passesThrough(Throwable error) {
    assertSame(error, DbErrors.classify(error), "not the database's fault: " + error);
  }

  private static PgException pg(String sqlState) {
    return new PgException("message", "ERROR", sqlState, null);
  }

  private static SQLiteException sqlite(SQLiteErrorCode code) {
    return new SQLiteException(code.message, code);
  }

  /** A JDBC pool of one connection whose waiters give up after {@link #ACQUIRE_TIMEOUT_MS}. */
  private static Pool onePool() {
    return JDBCPool.pool(vertx, memory, onePoolOptions());
  }

  private static PoolOptions onePoolOptions() {
    return new PoolOptions()
        .setMaxSize(1)
        .setConnectionTimeout((int) ACQUIRE_TIMEOUT_MS)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** How {@code future} failed; fails the test when it succeeds. */
  private static Throwable failure(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().handle((r, e) -> r).get(10, TimeUnit.SECONDS);
    assertTrue(future.failed(), "expected a failure, got " + future.result());
    return future.cause();
  }

  @ParameterizedTest
  @CsvSource({
    "57014, TIMEOUT",
    "40001, BUSY",
    "40P01, BUSY",
    "55P03, BUSY",
    "53300, BUSY",
    "25006, UNREACHABLE",
    "08006, UNREACHABLE",
    "57P01, UNREACHABLE",
    "57P02, UNREACHABLE",
    "57P03, UNREACHABLE",
    "58030, UNREACHABLE",
    "28P01, UNREACHABLE",
    "3D000, UNREACHABLE"
  })
  void postgresStatesThatMean503(String sqlState, Reason reason) {
    assertEquals(reason, unavailable(pg(sqlState)));
    assertEquals(reason, unavailable(new SQLException("jdbc", sqlState)), "the JDBC driver alike");
  }

  @ParameterizedTest
  @CsvSource({"23505, UNIQUE", "23503, FOREIGN_KEY", "23514, CHECK", "23502, NOT_NULL"})
  void postgresConstraintStates(String sqlState, Kind kind) {
    assertEquals(kind, constraint(pg(sqlState)));
    assertEquals(kind, constraint(new SQLException("jdbc", sqlState)), "the JDBC driver alike");
  }

  @Test
  void postgresNamesTheConstraint() {
    var e =
        new PgException(
            "duplicate key",
            "ERROR",
            "23505",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "users_email_key");
    var mapped = assertInstanceOf(DatabaseException.Constraint.class, DbErrors.classify(e));
    assertEquals("users_email_key", mapped.constraint());
    assertSame(e, mapped.getCause());
  }

  @Test
  void statesThatAreBugsStayBugs() {
    passesThrough(pg("42601")); // syntax error: a 500, not a 503
    passesThrough(pg("42P0")); // not a SQLSTATE at all
    passesThrough(pg(null));
    passesThrough(new SQLException("no state"));
  }

  @Test
  void alreadyClassifiedErrorsStayAsTheyAre() {
    var unavailable = new DatabaseException.Unavailable(Reason.BUSY, null);
    assertSame(unavailable, DbErrors.classify(unavailable));
    var conflict = new DatabaseException.Constraint(Kind.UNIQUE, "c", null);
    assertSame(conflict, DbErrors.classify(conflict));
    assertSame(unavailable, DbErrors.classify(new RuntimeException("wrapped", unavailable)));
    assertSame(conflict, DbErrors.classify(new RuntimeException("wrapped", conflict)));
  }

  @Test
  void jdbcTypesWithoutAState() {
    assertEquals(Reason.TIMEOUT, unavailable(new SQLTimeoutException("t")));
    assertEquals(Reason.BUSY, unavailable(new SQLTransactionRollbackException("r")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SQLTransientConnectionException("c")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SQLNonTransientConnectionException("c")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SQLRecoverableException("c")));
    assertEquals(
        Kind.UNIQUE,
        constraint(new SQLTimeoutException("t", "23505")),
        "the SQLSTATE decides before the type");
  }

  @Test
  void sqliteResultCodes() {
    assertEquals(Kind.UNIQUE, constraint(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)));
    assertEquals(Kind.UNIQUE, constraint(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)));
    assertEquals(
        Kind.FOREIGN_KEY, constraint(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY)));
    assertEquals(Kind.CHECK, constraint(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK)));
    assertEquals(Kind.NOT_NULL, constraint(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL)));
    assertEquals(Reason.TIMEOUT, unavailable(sqlite(SQLiteErrorCode.SQLITE_INTERRUPT)));
    assertEquals(Reason.BUSY, unavailable(sqlite(SQLiteErrorCode.SQLITE_BUSY)));
    assertEquals(Reason.BUSY, unavailable(sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT)));
    assertEquals(Reason.BUSY, unavailable(sqlite(SQLiteErrorCode.SQLITE_LOCKED)));
    assertEquals(Reason.BUSY, unavailable(sqlite(SQLiteErrorCode.SQLITE_LOCKED_SHAREDCACHE)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_CANTOPEN)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_FULL)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_READONLY)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_READONLY_DBMOVED)));
    passesThrough(sqlite(SQLiteErrorCode.SQLITE_ERROR)); // a SQL error is a bug
    passesThrough(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT)); // no extended code: not ours to say
  }

  @Test
  void poolAndConnectionTypes() {
    assertEquals(Reason.POOL_QUEUE_FULL, unavailable(new ConnectionPoolTooBusyException("busy")));
    assertEquals(Reason.UNREACHABLE, unavailable(ClosedConnectionException.INSTANCE));
  }

  @Test
  void timeouts() throws Exception {
    assertEquals(Reason.TIMEOUT, unavailable(new TimeoutException("late")));
    Future<Void> late = Promise.<Void>promise().future().timeout(1, TimeUnit.MILLISECONDS);
    Throwable real = failure(late);
    assertInstanceOf(NoStackTraceTimeoutException.class, real, "what Future.timeout fails with");
    assertEquals(Reason.TIMEOUT, unavailable(real));
  }

  @Test
  void theNetwork() {
    assertEquals(Reason.UNREACHABLE, unavailable(new ConnectException("refused")));
    assertEquals(Reason.UNREACHABLE, unavailable(new ConnectTimeoutException("connect timed out")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SocketException("Connection reset")));
    assertEquals(Reason.UNREACHABLE, unavailable(new ClosedChannelException()));
    assertEquals(Reason.UNREACHABLE, unavailable(new SSLHandshakeException("no")));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(new VertxException("wrapped", new IOException("broken pipe"))),
        "causes are looked through");
  }

  @Test
  void aClosedPoolIsUnreachable() throws Exception {
    Pool jdbc = onePool();
    jdbc.close().await();
    assertEquals(Reason.UNREACHABLE, unavailable(failure(jdbc.getConnection())));
    assertEquals(Reason.UNREACHABLE, unavailable(failure(jdbc.query("SELECT 1").execute())));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(failure(jdbc.withTransaction(c -> Future.succeededFuture()))));

    var nowhere =
        new PgConnectOptions().setHost("127.0.0.1").setPort(1).setDatabase("none").setUser("none");
    Pool pg = PgBuilder.pool().connectingTo(nowhere).using(vertx).build();
    pg.close().await();
    assertEquals(Reason.UNREACHABLE, unavailable(failure(pg.getConnection())));
    assertEquals(Reason.UNREACHABLE, unavailable(failure(pg.query("SELECT 1").execute())));
  }

  @Test
  void waitersOfAPoolThatClosesAreUnreachable() throws Exception {
    Pool pool = onePool();
    SqlConnection held = pool.getConnection().await();
    Future<SqlConnection> waiter = pool.getConnection();
    var statement = pool.query("SELECT 1").execute();
    pool.close().await();
    assertEquals(Reason.UNREACHABLE, unavailable(failure(waiter)));
    assertEquals(Reason.UNREACHABLE, unavailable(failure(statement)));
    held.close();
  }

  @Test
  void anExhaustedPoolIsExhausted() throws Exception {
    Pool pool = onePool();
    try {
      SqlConnection held = pool.getConnection().await();
      assertEquals(Reason.POOL_EXHAUSTED, unavailable(failure(pool.getConnection())));
      assertEquals(Reason.POOL_EXHAUSTED, unavailable(failure(pool.query("SELECT 1").execute())));
      held.close().await();
    } finally {
      pool.close().await();
    }
  }

  /**
   * DB_POOL_MAX_WAITING from a real pool (the JDBC pool runs on vertx-sql-client's pool, as the pg
   * pools do): with one connection held and one waiter, the next request is refused at once, both a
   * connection request and a statement on the pool.
   */
  @Test
  void aFullWaitQueueRefusesAtOnce() throws Exception {
    Pool pool = JDBCPool.pool(vertx, memory, onePoolOptions().setMaxWaitQueueSize(1));
    try {
      SqlConnection held = pool.getConnection().await();
      Future<SqlConnection> waiter = pool.getConnection();
      long start = System.nanoTime();
      assertEquals(Reason.POOL_QUEUE_FULL, unavailable(failure(pool.getConnection())));
      assertEquals(Reason.POOL_QUEUE_FULL, unavailable(failure(pool.query("SELECT 1").execute())));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < ACQUIRE_TIMEOUT_MS / 2, "refused after " + millis + " ms");
      held.close().await();
      waiter.await().close().await(); // the one waiter got the connection
    } finally {
      pool.close().await();
    }
  }

  @Test
  void connectionFailuresVertxReportsByMessageOnly() {
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(
            VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(
            VertxException.noStackTrace(
                "Pending requests failed to be sent due to connection has been closed.")));
    assertEquals(Reason.UNREACHABLE, unavailable(new VertxException("SSL handshake failed", true)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Postgres Server does not handle SSL connection",
        "Invalid SSL connection message"
      })
  void aServerThatRefusesTlsIsUnreachable(String message) {
    assertEquals(Reason.UNREACHABLE, unavailable(new Exception(message)));
    passesThrough(new IllegalStateException(message)); // only the driver's own plain Exception
  }

  @Test
  void otherMessagesStayBugs() {
    passesThrough(new VertxException("something else"));
    passesThrough(new VertxException((String) null));
    passesThrough(new Exception("something else"));
    passesThrough(new Exception());
    passesThrough(new IllegalStateException("Pool closed")); // not Vert.x's
  }
}
