package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One SQLite connection confined to one thread ({@link SqliteEngine}'s reader or writer), with its
 * prepared statements cached by text: a statement is parsed once per connection, not once per
 * request. Not thread-safe: only its thread touches it.
 *
 * <p>The pool guards hold as for every pool: the connection is replaced once older than {@code
 * DB_MAX_LIFETIME_S}, closed by its thread after {@code DB_IDLE_TIMEOUT_S} unused (see {@link
 * #closeIfIdle}), and a statement still running after {@code DB_STATEMENT_TIMEOUT_MS} is cancelled
 * (sqlite3_interrupt, SQLITE_INTERRUPT: a 503).
 */
final class SqliteSession implements AutoCloseable {
  /** Statements kept per connection; the service has a few dozen texts. */
  private static final int CACHED = 128;

  /** A prepared statement and its result's column labels, learnt at its first result. */
  private static final class Cached {
    final PreparedStatement statement;
    List<String> columns;

    Cached(PreparedStatement statement) {
      this.statement = statement;
    }

    PreparedStatement statement() {
      return statement;
    }

    List<String> columns(ResultSet results) throws SQLException {
      if (columns == null) {
        var meta = results.getMetaData();
        var labels = new ArrayList<String>(meta.getColumnCount());
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          labels.add(meta.getColumnLabel(i));
        }
        columns = List.copyOf(labels);
      }
      return columns;
    }
  }

  private final DataSource source;
  private final ScheduledExecutorService timer;
  private final long timeoutMillis, lifetimeNanos, idleNanos;
  private Connection connection;
  private long openedAt, usedAt;
  private boolean inTransaction;
  private PreparedStatement running; // guarded by this: what the timeout may interrupt
  private final Map<String, Cached> statements =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          if (size() <= CACHED) {
            return false;
          }
          quietly(eldest.getValue().statement());
          return true;
        }
      };

  /** {@code lifetimeMillis} and {@code idleMillis}: 0 for no bound. */
  SqliteSession(
      DataSource source,
      ScheduledExecutorService timer,
      long timeoutMillis,
      long lifetimeMillis,
      long idleMillis) {
    this.source = source;
    this.timer = timer;
    this.timeoutMillis = timeoutMillis;
    this.lifetimeNanos = lifetimeMillis * 1_000_000;
    this.idleNanos = idleMillis * 1_000_000;
  }

  /** A session with the service's statement timeout and pool guards. */
  static SqliteSession of(DataSource source, ScheduledExecutorService timer, AppConfig config) {
    var guards = config.poolGuards();
    return new SqliteSession(
        source,
        timer,
        config.statementTimeout().toMillis(),
        guards.maxLifetime().toMillis(),
        guards.idleTimeout().toMillis());
  }

  /** Runs one statement with {@code values} bound in order (autocommit unless in a transaction). */
  SqliteRows run(String sql, List<Object> values) throws SQLException {
    renewIfOld();
    Cached cached = prepared(sql);
    PreparedStatement statement = cached.statement();
    for (int i = 0; i < values.size(); i++) {
      statement.setObject(i + 1, SqliteRows.parameter(values.get(i)));
    }
    ScheduledFuture<?> timeout = timeoutMillis > 0 ? cancelAfterTimeout(statement) : null;
    try {
      if (!statement.execute()) {
        return SqliteRows.updated(statement.getUpdateCount());
      }
      try (ResultSet results = statement.getResultSet()) {
        List<String> columns = cached.columns(results);
        return SqliteRows.of(columns, SqliteRows.read(results, columns));
      }
    } catch (SQLException | RuntimeException e) {
      // a failed statement may be left unusable: prepared again next time; after the timeout's
      // interrupt the connection itself may still carry it into the next statement: a new one
      statements.remove(sql);
      quietly(statement);
      if (timeout != null && timeout.isDone()) {
        close();
      }
      throw e;
    } finally {
      if (timeout != null) {
        timeout.cancel(false);
        synchronized (this) {
          running = null; // a timer task already under way now cancels nothing
        }
      }
      usedAt = System.nanoTime();
    }
  }

  /**
   * Interrupts {@code statement} after the statement timeout, only if it is still the one running
   * (sqlite3_interrupt hits the connection: a timer firing as the statement ends must not interrupt
   * the next one).
   */
  private ScheduledFuture<?> cancelAfterTimeout(PreparedStatement statement) {
    synchronized (this) {
      running = statement;
    }
    return timer.schedule(
        () -> {
          synchronized (this) {
            if (running == statement) {
              try {
                statement.cancel();
              } catch (SQLException ignored) {
                // closed meanwhile: nothing to cancel
              }
            }
          }
        },
        timeoutMillis,
        TimeUnit.MILLISECONDS);
  }

  private Cached prepared(String sql) throws SQLException {
    Cached cached = statements.get(sql);
    if (cached != null) {
      return cached;
    }
    cached = new Cached(connection().prepareStatement(sql));
    statements.put(sql, cached);
    return cached;
  }

  /**
   * Closes a connection older than its lifetime (the next statement opens a new one); never inside
   * a transaction: {@link SqliteWriter} only calls {@link #run} with BEGIN when it starts one.
   */
  void renewIfOld() {
    if (connection != null
        && !inTransaction
        && lifetimeNanos > 0
        && System.nanoTime() - openedAt > lifetimeNanos) {
      close();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = source.getConnection();
      openedAt = System.nanoTime();
    }
    return connection;
  }

  /** Marks the statements between a BEGIN and its end, during which the connection must stay. */
  void inTransaction(boolean on) {
    inTransaction = on;
  }

  /** Called by the thread when it has had no work for a while: closes an idle connection. */
  void closeIfIdle() {
    if (connection != null && idleNanos > 0 && System.nanoTime() - usedAt > idleNanos) {
      close();
    }
  }

  /** Whether a connection is open (for the pool's size). */
  boolean open() {
    return connection != null;
  }

  @Override
  public void close() {
    statements.values().forEach(cached -> quietly(cached.statement()));
    statements.clear();
    if (connection != null) {
      quietly(connection);
      connection = null;
    }
  }

  private static void quietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing: nothing left to do with it
    }
  }
}
