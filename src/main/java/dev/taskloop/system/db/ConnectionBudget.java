package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At startup on PostgreSQL: how many connections this instance may open, next to what the server
 * allows and what is in use, in one log line; a WARN when this instance alone would need more than
 * is free, since past {@code max_connections} new connections fail and requests get 503. This
 * instance needs {@link #perInstance}: the pool, the export pool, the report's workers, readiness's
 * connection and the LISTEN connection. Behind PgBouncer the line is informational: PgBouncer's own
 * pool sizes bound the server's connections. Blocking JDBC, on the main thread, before the pools
 * open; a failure to ask is logged and ignored.
 */
final class ConnectionBudget {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionBudget.class);
  private static final String QUERY =
      "SELECT current_setting('max_connections')::int,"
          + " current_setting('superuser_reserved_connections')::int,"
          + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int";

  private ConnectionBudget() {}

  /** Connections one instance opens at most: see the README's budget formula. */
  static int perInstance(AppConfig config) {
    return config.poolSize() + config.exportPoolSize() + config.reportWorkers() + 2;
  }

  static void check(AppConfig config) {
    if (!(config.database() instanceof DatabaseUrl.Postgres pg)) {
      return;
    }
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement statement = c.createStatement();
        ResultSet row = statement.executeQuery(QUERY)) {
      row.next();
      report(config, row.getInt(1), row.getInt(2), row.getInt(3) - 1); // not this connection
    } catch (SQLException e) {
      LOG.debug("could not read the server's connection budget: {}", e.getMessage());
    }
  }

  private static void report(AppConfig config, int max, int reserved, int inUse) {
    int need = perInstance(config);
    int free = max - reserved - inUse;
    String line =
        "connection budget: this instance opens up to {} (DB_POOL_SIZE {} + exports {} + report {}"
            + " + health 1 + listener 1); the server allows {} ({} reserved), {} in use, {} free";
    Object[] args = {
      need,
      config.poolSize(),
      config.exportPoolSize(),
      config.reportWorkers(),
      max,
      reserved,
      inUse,
      free
    };
    if (config.scaleOut().pgbouncer()) {
      LOG.info(
          line
              + " (through PgBouncer, whose pool sizes bound the server's share, but for the listener's"
              + " direct connection)",
          args);
    } else if (need > free) {
      LOG.warn(line + ": too few; lower DB_POOL_SIZE or raise max_connections", args);
    } else {
      LOG.info(line, args);
    }
  }
}
