package dev.taskloop.reports;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import dev.taskloop.system.db.SqlitePools;
import dev.taskloop.system.db.Timestamps;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The "legacy" report: deliberately plain, blocking JDBC and CPU work in Java, standing in for code
 * that cannot be made asynchronous. It must only ever run on {@link ReportPool}'s threads.
 */
final class LegacyReports {
  private static final int DAYS = 30;

  /** The socket timeout when there is no statement timeout: no report may hang forever. */
  private static final long DEFAULT_SOCKET_TIMEOUT_MS = 60_000;

  private final DatabaseUrl url;
  private final Duration latency;
  private final Properties connection;

  /**
   * The report's connections are bounded like the service's own: connect timeout, socket timeout
   * (statement timeout plus connect timeout, so a stalled server cannot hang a report worker), and
   * on PostgreSQL the statement and lock timeouts; on SQLite the busy timeout.
   */
  LegacyReports(AppConfig config) {
    this.url = config.database();
    this.latency = config.reportLatency();
    this.connection = connectionProperties(config);
  }

  private static Properties connectionProperties(AppConfig config) {
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
   * Computes the summary of {@code owner}'s data. Blocks: a connection of its own, several queries.
   */
  SummaryReport summary(UUID owner) throws SQLException, InterruptedException {
    Thread.sleep(latency); // the legacy system's own slowness, when rehearsed
    try (Connection connection = connect()) {
      return new SummaryReport(categories(connection, owner), tasks(connection, owner));
    }
  }

  private Connection connect() throws SQLException {
    return switch (url) {
      case DatabaseUrl.Sqlite sqlite -> DriverManager.getConnection(sqlite.jdbcUrl(), connection);
      case DatabaseUrl.Postgres pg -> DriverManager.getConnection(pg.jdbcUrl(), connection);
    };
  }

  private void bindOwner(PreparedStatement statement, int index, UUID owner) throws SQLException {
    if (url instanceof DatabaseUrl.Sqlite) {
      statement.setString(index, owner.toString());
    } else {
      statement.setObject(index, owner);
    }
  }

  private List<SummaryReport.CategoryLine> categories(Connection connection, UUID owner)
      throws SQLException {
    String sql =
        "SELECT c.id, c.name, COUNT(i.id), COALESCE(SUM(i.price_cents), 0) FROM categories c"
            + " LEFT JOIN items i ON i.category_id = c.id WHERE c.owner_id = ?"
            + " GROUP BY c.id, c.name ORDER BY c.id";
    var lines = new ArrayList<SummaryReport.CategoryLine>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindOwner(statement, 1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long count = rows.getLong(3);
          long cents = rows.getLong(4);
          String average =
              count == 0
                  ? null
                  : BigDecimal.valueOf(cents, 2)
                      .divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_EVEN)
                      .toPlainString();
          lines.add(
              new SummaryReport.CategoryLine(
                  rows.getLong(1),
                  rows.getString(2),
                  count,
                  BigDecimal.valueOf(cents, 2).toPlainString(),
                  average));
        }
      }
    }
    return lines;
  }

  private SummaryReport.TaskSummary tasks(Connection connection, UUID owner) throws SQLException {
    long total;
    long completed;
    String counts =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_completed THEN 1 ELSE 0 END), 0)"
            + " FROM tasks WHERE owner_id = ?";
    try (PreparedStatement statement = connection.prepareStatement(counts)) {
      bindOwner(statement, 1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        total = rows.getLong(1);
        completed = rows.getLong(2);
      }
    }
    BigDecimal ratio =
        total == 0
            ? BigDecimal.ZERO.setScale(4)
            : BigDecimal.valueOf(completed)
                .divide(BigDecimal.valueOf(total), 4, RoundingMode.HALF_EVEN);
    return new SummaryReport.TaskSummary(
        total, completed, total - completed, ratio, perDay(connection, owner));
  }

  /** Tasks created on each of the last {@link #DAYS} UTC days, oldest first, zeros included. */
  private List<SummaryReport.DayCount> perDay(Connection connection, UUID owner)
      throws SQLException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate first = today.minusDays(DAYS - 1);
    var perDay = new TreeMap<LocalDate, Long>();
    for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
      perDay.put(day, 0L);
    }
    String recent = "SELECT created_at FROM tasks WHERE owner_id = ? AND created_at >= ?";
    try (PreparedStatement statement = connection.prepareStatement(recent)) {
      bindOwner(statement, 1, owner);
      LocalDateTime since = first.atStartOfDay();
      if (url instanceof DatabaseUrl.Sqlite) {
        statement.setString(2, since.toString());
      } else {
        statement.setObject(2, since.atOffset(ZoneOffset.UTC));
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) { // grouped here, in Java: the legacy part
          LocalDate day = utcDate(rows);
          perDay.computeIfPresent(day, (d, n) -> n + 1);
        }
      }
    }
    var days = new ArrayList<SummaryReport.DayCount>();
    perDay.forEach((day, count) -> days.add(new SummaryReport.DayCount(day, count)));
    return days;
  }

  private LocalDate utcDate(ResultSet rows) throws SQLException {
    if (url instanceof DatabaseUrl.Sqlite) {
      return Timestamps.parse(rows.getString(1)).atOffset(ZoneOffset.UTC).toLocalDate();
    }
    OffsetDateTime at = rows.getObject(1, OffsetDateTime.class);
    return at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
  }
}
