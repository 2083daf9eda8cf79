package dev.taskloop.system.db;

import dev.taskloop.system.db.ConstraintViolationException.Kind;
import dev.taskloop.system.db.DatabaseUnavailableException.Reason;
import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place where driver errors become taskloop's: by SQLSTATE where the driver gives one
 * (PostgreSQL, reactive and JDBC alike), by SQLite's extended result code (it has no SQLSTATE), by
 * exception type for pools, timeouts and the network, and by message only for the few failures the
 * reactive client reports as a bare {@code VertxException}. Anything not recognised passes through
 * unchanged (and becomes a 500): a bug must not hide behind a 503.
 */
public final class DbErrors {
  /** A message of one of the reactive client's bare exceptions, and what it means. */
  private record KnownMessage(String text, boolean whole, Reason reason) {
    boolean matches(String message) {
      return whole ? message.equals(text) : message.startsWith(text);
    }
  }

  /** From vertx-sql-client 5.0.12: SqlConnectionPool, SocketConnectionBase, InitiateSslHandler. */
  private static final List<KnownMessage> MESSAGES =
      List.of(
          // a waiter of withConnection/withTransaction that got no connection in time
          new KnownMessage("Timeout", true, Reason.POOL_EXHAUSTED),
          new KnownMessage("Timeout waiting for connection", false, Reason.POOL_EXHAUSTED),
          new KnownMessage("Pool closed", false, Reason.UNREACHABLE), // shutting down
          new KnownMessage("Connection is not active now", false, Reason.UNREACHABLE),
          new KnownMessage(
              "Pending requests failed to be sent due to connection has been closed",
              false,
              Reason.UNREACHABLE),
          new KnownMessage("SSL handshake failed", false, Reason.UNREACHABLE),
          new KnownMessage(
              "Postgres Server does not handle SSL connection", false, Reason.UNREACHABLE),
          new KnownMessage("Invalid SSL connection message", false, Reason.UNREACHABLE));

  private DbErrors() {}

  static <T> Future<T> translate(Throwable error) {
    return Future.failedFuture(classify(error));
  }

  /**
   * The taskloop exception for a driver error: {@link DatabaseUnavailableException}, {@link
   * ConstraintViolationException}, or {@code error} itself. Looks through the cause chain.
   */
  public static Throwable classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Throwable mapped = classifyOne(t);
      if (mapped != null) {
        return mapped;
      }
    }
    return error;
  }

  private static Throwable classifyOne(Throwable t) {
    return switch (t) {
      case DatabaseUnavailableException known -> known;
      case ConstraintViolationException known -> known;
      case PgException pg -> bySqlState(pg.getSqlState(), pg.getConstraint(), pg);
      case SQLiteException sqlite -> sqlite(sqlite);
      case SQLException jdbc -> jdbc(jdbc);
      case ConnectionPoolTooBusyException busy -> unavailable(Reason.POOL_EXHAUSTED, busy);
      case ClosedConnectionException closed -> unavailable(Reason.UNREACHABLE, closed);
      // Vert.x's Future.timeout fails with a TimeoutException subclass
      case TimeoutException timeout -> unavailable(Reason.TIMEOUT, timeout);
      // refused, reset, unknown host, no route, TLS failure, closed channel: the network
      case IOException io -> unavailable(Reason.UNREACHABLE, io);
      default -> byMessage(t);
    };
  }

  /** SQLSTATE classes and codes, for PostgreSQL's reactive and JDBC drivers alike. */
  private static Throwable bySqlState(String sqlState, String constraint, Throwable e) {
    String state = sqlState == null ? "" : sqlState;
    return switch (state) {
      case "23505" -> new ConstraintViolationException(Kind.UNIQUE, constraint, e);
      case "23503" -> new ConstraintViolationException(Kind.FOREIGN_KEY, constraint, e);
      case "23514" -> new ConstraintViolationException(Kind.CHECK, constraint, e);
      case "23502" -> new ConstraintViolationException(Kind.NOT_NULL, constraint, e);
      case "57014" -> unavailable(Reason.TIMEOUT, e); // statement timeout (or a cancel)
      // serialization failure, deadlock, lock_timeout, read-only (a standby after failover)
      case "40001", "40P01", "55P03" -> unavailable(Reason.BUSY, e);
      case "25006" -> unavailable(Reason.UNREACHABLE, e);
      default -> {
        String klass = state.length() == 5 ? state.substring(0, 2) : "";
        yield switch (klass) {
          case "53" -> unavailable(Reason.BUSY, e); // insufficient resources: too many clients
          // 08 connection, 57P0x shutting down / starting up, 58 system (I/O) error,
          // 28 authentication, 3D no such database: the database cannot serve us now
          case "08", "57", "58", "28", "3D" -> unavailable(Reason.UNREACHABLE, e);
          default -> null;
        };
      }
    };
  }

  private static Throwable jdbc(SQLException e) {
    Throwable byState = bySqlState(e.getSQLState(), null, e);
    if (byState != null) {
      return byState;
    }
    return switch (e) {
      case SQLTimeoutException timeout -> unavailable(Reason.TIMEOUT, timeout);
      case SQLTransactionRollbackException rollback -> unavailable(Reason.BUSY, rollback);
      case SQLTransientConnectionException c -> unavailable(Reason.UNREACHABLE, c);
      case SQLNonTransientConnectionException c -> unavailable(Reason.UNREACHABLE, c);
      case SQLRecoverableException c -> unavailable(Reason.UNREACHABLE, c);
      default -> null; // the cause, if any, is looked at next
    };
  }

  private static Throwable sqlite(SQLiteException e) {
    SQLiteErrorCode code = e.getResultCode();
    if (code == null) {
      return null;
    }
    return switch (code) {
      case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY ->
          new ConstraintViolationException(Kind.UNIQUE, null, e);
      case SQLITE_CONSTRAINT_FOREIGNKEY ->
          new ConstraintViolationException(Kind.FOREIGN_KEY, null, e);
      case SQLITE_CONSTRAINT_CHECK -> new ConstraintViolationException(Kind.CHECK, null, e);
      case SQLITE_CONSTRAINT_NOTNULL -> new ConstraintViolationException(Kind.NOT_NULL, null, e);
      case SQLITE_INTERRUPT -> unavailable(Reason.TIMEOUT, e); // our statement timeout
      default -> {
        String name = code.name();
        if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
          yield unavailable(Reason.BUSY, e);
        }
        if (name.startsWith("SQLITE_IOERR")
            || name.startsWith("SQLITE_CANTOPEN")
            || name.startsWith("SQLITE_READONLY")
            || name.equals("SQLITE_FULL")) {
          yield unavailable(Reason.UNREACHABLE, e);
        }
        yield null;
      }
    };
  }

  private static Throwable byMessage(Throwable t) {
    String message = t.getMessage();
    if (message == null) {
      return null;
    }
    for (KnownMessage known : MESSAGES) {
      if (known.matches(message)) {
        return unavailable(known.reason(), t);
      }
    }
    return null;
  }

  private static DatabaseUnavailableException unavailable(Reason reason, Throwable cause) {
    return new DatabaseUnavailableException(reason, cause);
  }
}
