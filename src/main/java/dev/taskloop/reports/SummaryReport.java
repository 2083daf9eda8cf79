package dev.taskloop.reports;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** The summary report: per category, and for tasks. Money is exact decimal strings. */
record SummaryReport(List<CategoryLine> categories, TaskSummary tasks) {
  /** One category: its items' count, total and average price (null without items). */
  public record CategoryLine(
      long categoryId, String name, long itemCount, String totalPrice, String averagePrice) {}

  /** Tasks: totals, completion ratio (0..1, 4 places), and tasks created per UTC day. */
  public record TaskSummary(
      long total,
      long completed,
      long open,
      BigDecimal completionRatio,
      List<DayCount> createdPerDay) {}

  /** Tasks created on one UTC day. */
  public record DayCount(LocalDate date, long count) {}
}
