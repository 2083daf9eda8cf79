package dev.taskloop.reports;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.LegacyJdbc;
import dev.taskloop.system.observe.RequestContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The "legacy" report: deliberately plain, blocking JDBC and CPU work in Java, standing in for code
 * that cannot be made asynchronous. It must only ever run on {@link ReportPool}'s threads. Its
 * connections come from {@link LegacyJdbc}, bounded like the service's own.
 */
final class LegacyReports {
  private static final int DAYS = 30;

  private final LegacyJdbc jdbc;
  private final Duration latency;

  LegacyReports(AppConfig config, LegacyJdbc jdbc) {
    this.jdbc = jdbc;
    this.latency = config.reportLatency();
  }

  /**
   * Computes the summary of {@code owner}'s data for {@code request} (captured on its event loop).
   * Blocks: a connection of its own, several queries.
   */
  SummaryReport summary(UUID owner, RequestContext request)
      throws SQLException, InterruptedException {
    Thread.sleep(latency); // the legacy system's own slowness, when rehearsed
    try (Connection connection = jdbc.connect(request)) {
      return new SummaryReport(categories(connection, owner), tasks(connection, owner));
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
      jdbc.setUuid(statement, 1, owner);
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
      jdbc.setUuid(statement, 1, owner);
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
      jdbc.setUuid(statement, 1, owner);
      jdbc.setUtc(statement, 2, first.atStartOfDay());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) { // grouped here, in Java: the legacy part
          LocalDate day = jdbc.getInstant(rows, 1).atOffset(ZoneOffset.UTC).toLocalDate();
          perDay.computeIfPresent(day, (d, n) -> n + 1);
        }
      }
    }
    var days = new ArrayList<SummaryReport.DayCount>();
    perDay.forEach((day, count) -> days.add(new SummaryReport.DayCount(day, count)));
    return days;
  }
}
