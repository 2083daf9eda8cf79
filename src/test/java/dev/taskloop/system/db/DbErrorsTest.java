package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.taskloop.system.db.ConstraintViolationException.Kind;
import dev.taskloop.system.db.DatabaseUnavailableException.Reason;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Every branch of the one driver-error mapping. */
class DbErrorsTest {
  private static Reason unavailable(Throwable error) {
    return assertInstanceOf(DatabaseUnavailableException.class, DbErrors.classify(error)).reason();
  }

  private static Kind constraint(Throwable error) {
    return assertInstanceOf(ConstraintViolationException.class, DbErrors.classify(error)).kind();
  }

  private static PgException pg(String sqlState) {
    return new PgException("message", "ERROR", sqlState, null);
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
  }

  @Test
  void bugsStayBugs() {
    var syntax = pg("42601");
    assertSame(syntax, DbErrors.classify(syntax), "a syntax error is a 500, not a 503");
    var other = new IllegalStateException("x");
    assertSame(other, DbErrors.classify(other));
    var unknownMessage = new VertxException("something else");
    assertSame(unknownMessage, DbErrors.classify(unknownMessage));
  }

  @Test
  void poolsTimeoutsAndTheNetwork() {
    assertEquals(Reason.POOL_EXHAUSTED, unavailable(new ConnectionPoolTooBusyException("busy")));
    assertEquals(
        Reason.POOL_EXHAUSTED, unavailable(new VertxException("Timeout waiting for connection")));
    assertEquals(Reason.POOL_EXHAUSTED, unavailable(new NoStackTraceThrowable("Timeout")));
    assertEquals(Reason.UNREACHABLE, unavailable(new VertxException("Pool closed")));
    assertEquals(Reason.UNREACHABLE, unavailable(ClosedConnectionException.INSTANCE));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(new VertxException("Connection is not active now, current status: CLOSED")));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(
            new VertxException(
                "Pending requests failed to be sent due to connection has been closed.")));
    assertEquals(Reason.UNREACHABLE, unavailable(new VertxException("SSL handshake failed")));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(new Exception("Postgres Server does not handle SSL connection")));
    assertEquals(Reason.TIMEOUT, unavailable(new NoStackTraceTimeoutException("late")));
    assertEquals(Reason.UNREACHABLE, unavailable(new ConnectException("refused")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SocketException("Connection reset")));
    assertEquals(Reason.UNREACHABLE, unavailable(new ClosedChannelException()));
    assertEquals(Reason.UNREACHABLE, unavailable(new SSLHandshakeException("no")));
    assertEquals(
        Reason.UNREACHABLE,
        unavailable(new VertxException("wrapped", new IOException("broken pipe"))),
        "causes are looked through");
  }

  @Test
  void jdbcTypesWithoutAState() {
    assertEquals(Reason.TIMEOUT, unavailable(new SQLTimeoutException("t")));
    assertEquals(Reason.BUSY, unavailable(new SQLTransactionRollbackException("r")));
    assertEquals(Reason.UNREACHABLE, unavailable(new SQLNonTransientConnectionException("c")));
    var plain = new SQLException("no state");
    assertSame(plain, DbErrors.classify(plain));
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
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_CANTOPEN)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_FULL)));
    assertEquals(Reason.UNREACHABLE, unavailable(sqlite(SQLiteErrorCode.SQLITE_READONLY)));
    var error = sqlite(SQLiteErrorCode.SQLITE_ERROR);
    assertSame(error, DbErrors.classify(error), "a SQL error is a bug");
  }

  private static SQLiteException sqlite(SQLiteErrorCode code) {
    return new SQLiteException(code.message, code);
  }
}
