package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;

/**
 * The one door of blocking code (the legacy report) to the database: plain JDBC connections that
 * are bounded like the service's own, the schema's column types bound and read as the service
 * stores them, and failures translated as everywhere else. Blocks: only for threads of their own,
 * never an event loop.
 */
public final class LegacyJdbc {
  /** The socket timeout when there is no statement timeout: no connection may hang forever. */
  private static final long DEFAULT_SOCKET_TIMEOUT_MS = 60_000;

  private final DatabaseUrl url;
  private final Properties properties;

  /**
   * Connections are bounded like the service's own: connect timeout, socket timeout (statement
   * timeout plus connect timeout, so a stalled server cannot hang a worker), and on PostgreSQL the
   * statement and lock timeouts; on SQLite the busy timeout.
   */
  public LegacyJdbc(AppConfig config) {
    this.url = config.database();
    this.properties = properties(config);
  }

  private static Properties properties(AppConfig config) {
    var properties = new Properties();
    long statement = config.statementTimeout().toMillis();
    long lock = config.lockTimeout().toMillis();
    switch (config.database()) {
      case DatabaseUrl.Sqlite sqlite ->
          properties.setProperty(
              "busy_timeout", Integer.toString(SqlitePools.busyTimeoutMillis(config)));
      case DatabaseUrl.Postgres pg -> {
        properties.setProperty("user", pg.user());
        if (pg.password() != null) {
          properties.setProperty("password", pg.password());
        }
        long connect = config.connectTimeout().toMillis();
        long socket = (statement > 0 ? statement : DEFAULT_SOCKET_TIMEOUT_MS) + connect;
        properties.setProperty("connectTimeout", Long.toString(seconds(connect)));
        properties.setProperty("loginTimeout", Long.toString(seconds(connect)));
        properties.setProperty("socketTimeout", Long.toString(seconds(socket)));
        properties.setProperty("ApplicationName", "taskloop-report");
        properties.setProperty(
            "options", "-c statement_timeout=" + statement + " -c lock_timeout=" + lock);
      }
    }
    return properties;
  }

  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /** A new connection of its own, outside every pool; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  /** Binds a UUID as the schema stores it: text on SQLite, {@code uuid} on PostgreSQL. */
  public void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
    if (url instanceof DatabaseUrl.Sqlite) {
      statement.setString(index, value.toString());
    } else {
      statement.setObject(index, value);
    }
  }

  /**
   * Binds a UTC date-time as the schema stores it: ISO-8601 text on SQLite (which compares as
   * text), {@code timestamptz} on PostgreSQL.
   */
  public void setUtc(PreparedStatement statement, int index, LocalDateTime utc)
      throws SQLException {
    if (url instanceof DatabaseUrl.Sqlite) {
      statement.setString(index, utc.toString());
    } else {
      statement.setObject(index, utc.atOffset(ZoneOffset.UTC));
    }
  }

  /**
   * A timestamp column: text in any form {@link Timestamps} reads on SQLite, {@code timestamptz} on
   * PostgreSQL.
   */
  public Instant getInstant(ResultSet rows, int column) throws SQLException {
    if (url instanceof DatabaseUrl.Sqlite) {
      return Timestamps.parse(rows.getString(column));
    }
    return rows.getObject(column, OffsetDateTime.class).toInstant();
  }

  /**
   * The {@link DatabaseException} a failure of this code stands for (looking through its causes),
   * exactly as for the service's own statements; else the failure itself.
   */
  public static Throwable translate(Throwable failure) {
    return DbErrors.classify(failure);
  }
}
