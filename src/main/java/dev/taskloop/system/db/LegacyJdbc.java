package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import dev.taskloop.system.observe.RequestContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final PoolWatch pool;
  private final AtomicInteger open;

  /**
   * Connections are bounded like the service's own: connect timeout, socket timeout (statement
   * timeout plus connect timeout, so a stalled server cannot hang a worker), and on PostgreSQL the
   * statement and lock timeouts; on SQLite the busy timeout. Each is a checkout of {@code pool}
   * while open ({@code open} counts them): see {@link Database#legacyJdbc}.
   */
  LegacyJdbc(AppConfig config, PoolWatch pool, AtomicInteger open) {
    this.url = config.database();
    this.properties = properties(config);
    this.pool = pool;
    this.open = open;
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

  /**
   * A new connection of its own, outside every pool, on behalf of {@code request} (captured on its
   * event loop: this thread has no Vert.x context; null for none); the caller closes it. Until then
   * it is a checkout of the {@code report} pool, warned about when held too long.
   */
  public Connection connect(RequestContext request) throws SQLException {
    PoolWatch.Checkout checkout = pool.checkout("report connection", request, null);
    long start = System.nanoTime();
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    } catch (SQLException | RuntimeException e) {
      checkout.close();
      throw e;
    }
    pool.acquired(System.nanoTime() - start);
    open.incrementAndGet();
    var returned = new AtomicBoolean();
    InvocationHandler handler =
        (proxy, method, args) ->
            switch (method.getName()) {
              case "equals" -> proxy == args[0];
              case "hashCode" -> System.identityHashCode(proxy);
              case "close" -> {
                try {
                  yield invoke(connection, method, args);
                } finally {
                  if (returned.compareAndSet(false, true)) {
                    open.decrementAndGet();
                    checkout.close();
                  }
                }
              }
              default -> invoke(connection, method, args);
            };
    return (Connection)
        Proxy.newProxyInstance(
            LegacyJdbc.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
