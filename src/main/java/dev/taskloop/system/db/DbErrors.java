package dev.taskloop.system.db;

import dev.taskloop.system.db.ConstraintViolationException.Kind;
import dev.taskloop.system.db.DatabaseUnavailableException.Reason;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place where driver errors become taskloop's: PostgreSQL by SQLSTATE, SQLite by its
 * extended result code (it has no SQLSTATE), pool and network failures by type. Anything not
 * recognised passes through unchanged (and becomes a 500).
 */
final class DbErrors {
  private static final String POOL_TIMEOUT_MESSAGE = "Timeout waiting for connection";
  private static final String POOL_CLOSED_MESSAGE = "Pool closed";

  private DbErrors() {}

  static <T> Future<T> translate(Throwable error) {
    return Future.failedFuture(classify(error));
  }

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
      case DatabaseUnavailableException known -> known;
      case ConstraintViolationException known -> known;
      case PgException pg -> postgres(pg);
      case SQLiteException sqlite -> sqlite(sqlite);
      case SQLException jdbc
          when jdbc.getSQLState() != null && jdbc.getSQLState().startsWith("08") ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, jdbc);
      case ConnectionPoolTooBusyException busy ->
          new DatabaseUnavailableException(Reason.POOL_EXHAUSTED, busy);
      case ConnectException refused ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, refused);
      case UnknownHostException unknown ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, unknown);
      case NoRouteToHostException noRoute ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, noRoute);
      case SSLException tls -> new DatabaseUnavailableException(Reason.UNREACHABLE, tls);
      case ClosedConnectionException closed ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, closed);
      case TimeoutException timeout -> new DatabaseUnavailableException(Reason.TIMEOUT, timeout);
      case VertxException vx when POOL_TIMEOUT_MESSAGE.equals(vx.getMessage()) ->
          new DatabaseUnavailableException(Reason.POOL_EXHAUSTED, vx);
      case VertxException vx when POOL_CLOSED_MESSAGE.equals(vx.getMessage()) ->
          new DatabaseUnavailableException(Reason.UNREACHABLE, vx); // shutting down
      case VertxException vx when vx.getClass().getSimpleName().contains("Timeout") ->
          new DatabaseUnavailableException(Reason.TIMEOUT, vx);
      default -> null;
    };
  }

  private static Throwable postgres(PgException e) {
    String state = e.getSqlState() == null ? "" : e.getSqlState();
    return switch (state) {
      case "23505" -> new ConstraintViolationException(Kind.UNIQUE, e.getConstraint(), e);
      case "23503" -> new ConstraintViolationException(Kind.FOREIGN_KEY, e.getConstraint(), e);
      case "23514" -> new ConstraintViolationException(Kind.CHECK, e.getConstraint(), e);
      case "23502" -> new ConstraintViolationException(Kind.NOT_NULL, e.getColumn(), e);
      case "57014" -> new DatabaseUnavailableException(Reason.TIMEOUT, e); // statement timeout
      case "40001", "40P01", "55P03" -> new DatabaseUnavailableException(Reason.BUSY, e);
      default -> {
        // 08: connection; 53: insufficient resources; 57P0x: shutting down or starting up
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
          yield new DatabaseUnavailableException(Reason.UNREACHABLE, e);
        }
        yield e;
      }
    };
  }

  private static Throwable sqlite(SQLiteException e) {
    SQLiteErrorCode code = e.getResultCode();
    if (code == null) {
      return e;
    }
    return switch (code) {
      case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY ->
          new ConstraintViolationException(Kind.UNIQUE, null, e);
      case SQLITE_CONSTRAINT_FOREIGNKEY ->
          new ConstraintViolationException(Kind.FOREIGN_KEY, null, e);
      case SQLITE_CONSTRAINT_CHECK -> new ConstraintViolationException(Kind.CHECK, null, e);
      case SQLITE_CONSTRAINT_NOTNULL -> new ConstraintViolationException(Kind.NOT_NULL, null, e);
      case SQLITE_INTERRUPT -> new DatabaseUnavailableException(Reason.TIMEOUT, e); // query timeout
      default -> {
        String name = code.name();
        if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
          yield new DatabaseUnavailableException(Reason.BUSY, e);
        }
        if (name.startsWith("SQLITE_IOERR")
            || name.startsWith("SQLITE_CANTOPEN")
            || name.equals("SQLITE_FULL")) {
          yield new DatabaseUnavailableException(Reason.UNREACHABLE, e);
        }
        yield e;
      }
    };
  }
}
