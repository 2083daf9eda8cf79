package dev.taskloop.system.db;

import dev.taskloop.system.db.DatabaseException.Constraint;
import dev.taskloop.system.db.DatabaseException.Constraint.Kind;
import dev.taskloop.system.db.DatabaseException.Unavailable;
import dev.taskloop.system.db.DatabaseException.Unavailable.Reason;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
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
import java.util.concurrent.TimeoutException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place where driver errors become taskloop's: by SQLSTATE where the driver gives one
 * (PostgreSQL, reactive and JDBC alike), by SQLite's extended result code (it has no SQLSTATE), by
 * exception type for pools, timeouts and the network, and by message only for the few failures that
 * Vert.x reports with no type of its own (see {@link #bareVertx} and {@link #bareException}).
 * Anything not recognised passes through unchanged (and becomes a 500): a bug must not hide behind
 * a 503.
 */
final class DbErrors {
  private DbErrors() {}

  static <T> Future<T> translate(Throwable error) {
    return Future.failedFuture(classify(error));
  }

  /**
   * The taskloop exception for a driver error: a {@link DatabaseException} ({@link Unavailable} or
   * {@link Constraint}), or {@code error} itself. Looks through the cause chain.
   */
  static Throwable classify(Throwable error) {
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
      case DatabaseException known -> known;
      case PgException pg -> bySqlState(pg.getSqlState(), pg.getConstraint(), pg);
      case SQLiteException sqlite -> sqlite(sqlite);
      case SQLException jdbc -> jdbc(jdbc);
      // vertx-core SimpleConnectionPool: DB_POOL_MAX_WAITING requests already wait (the pg pools
      // and the JDBC pool alike): refused at once, not after the acquire timeout
      case ConnectionPoolTooBusyException busy -> unavailable(Reason.POOL_QUEUE_FULL, busy);
      case ClosedConnectionException closed -> unavailable(Reason.UNREACHABLE, closed);
      // Vert.x's Future.timeout fails with a TimeoutException subclass
      case TimeoutException timeout -> unavailable(Reason.TIMEOUT, timeout);
      // refused (also Netty's ConnectTimeoutException), reset, unknown host, no route, TLS
      // failure, closed channel: the network
      case IOException io -> unavailable(Reason.UNREACHABLE, io);
      case VertxException vertx -> unavailable(bareVertx(vertx.getMessage()), vertx);
      default -> t.getClass() == Exception.class ? unavailable(bareException(t), t) : null;
    };
  }

  /** SQLSTATE classes and codes, for PostgreSQL's reactive and JDBC drivers alike. */
  private static Throwable bySqlState(String sqlState, String constraint, Throwable e) {
    String state = sqlState == null ? "" : sqlState;
    return switch (state) {
      case "23505" -> new Constraint(Kind.UNIQUE, constraint, e);
      case "23503" -> new Constraint(Kind.FOREIGN_KEY, constraint, e);
      case "23514" -> new Constraint(Kind.CHECK, constraint, e);
      case "23502" -> new Constraint(Kind.NOT_NULL, constraint, e);
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

  /**
   * sqlite-jdbc raises every failure of SQLite itself as a {@link SQLiteException} whose result
   * code is the extended one (never null: its constructor reads it); {@code getErrorCode()} would
   * only give the primary code. Its plain {@link SQLException}s are misuse of a closed statement or
   * connection and go through {@link #jdbc}.
   */
  private static Throwable sqlite(SQLiteException e) {
    SQLiteErrorCode code = e.getResultCode();
    return switch (code) {
      case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY ->
          new Constraint(Kind.UNIQUE, null, e);
      case SQLITE_CONSTRAINT_FOREIGNKEY -> new Constraint(Kind.FOREIGN_KEY, null, e);
      case SQLITE_CONSTRAINT_CHECK -> new Constraint(Kind.CHECK, null, e);
      case SQLITE_CONSTRAINT_NOTNULL -> new Constraint(Kind.NOT_NULL, null, e);
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

  /**
   * The failures that Vert.x 5.0.12 raises as a bare {@link VertxException}, or as its deprecated
   * subclass {@code NoStackTraceThrowable} that {@code Future.failedFuture(String)} and {@code
   * Completable.fail(String)} create: no subclass, no code, so the text is all there is. The pool
   * texts come from vertx-core's and vertx-sql-client's pools, which both the pg pool and the JDBC
   * pool (vertx-jdbc-client 5.0.10 builds on vertx-sql-client's PoolImpl) use; DbErrorsTest makes
   * them from real pools, so a driver that changes them fails the build.
   */
  private static Reason bareVertx(String message) {
    if (message == null) {
      return null;
    }
    return switch (message) {
      // vertx-sql-client SqlConnectionPool.acquire: a getConnection/withTransaction waiter got no
      // connection within the acquire timeout
      case "Timeout" -> Reason.POOL_EXHAUSTED;
      // vertx-sql-client SqlConnectionPool.execute: the same for a statement run on the pool
      case "Timeout waiting for connection" -> Reason.POOL_EXHAUSTED;
      // vertx-core SimpleConnectionPool: asked after close, or waiting when it closed (shutdown)
      case "Pool closed" -> Reason.UNREACHABLE;
      // vertx-sql-client SocketConnectionBase: the connection closed with statements queued on it
      case "Pending requests failed to be sent due to connection has been closed." ->
          Reason.UNREACHABLE;
      // vertx-pg-client InitiateSslHandler: the server hung up during the TLS upgrade
      case "SSL handshake failed" -> Reason.UNREACHABLE;
      // vertx-sql-client SocketConnectionBase: a statement sent on a closing or closed connection
      // ("... current status: CLOSED")
      default -> message.startsWith("Connection is not active now") ? Reason.UNREACHABLE : null;
    };
  }

  /**
   * vertx-pg-client 5.0.12's InitiateSslHandler fails a TLS upgrade that the server refuses with a
   * plain {@code java.lang.Exception}: the text is all there is.
   */
  private static Reason bareException(Throwable e) {
    return switch (String.valueOf(e.getMessage())) {
      case "Postgres Server does not handle SSL connection", "Invalid SSL connection message" ->
          Reason.UNREACHABLE;
      default -> null;
    };
  }

  /** A 503 for {@code reason}, or null (not recognised: look at the cause) when it is null. */
  private static Unavailable unavailable(Reason reason, Throwable cause) {
    return reason == null ? null : new Unavailable(reason, cause);
  }
}
